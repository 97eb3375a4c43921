import { execFile } from 'node:child_process';
import { KindPipeError } from '../../core/errors.js';
import { ffprobePath } from '../../core/media/tool.js';
import { redactUrl } from './rtsp-url.js';

/** What the camera sends, as ffprobe sees it once connected. */
export interface RtspProbe {
  width: number;
  height: number;
  /** 0 when the stream does not say (the `fps` option must then). */
  fps: number;
  codec: string;
}

/** ffmpeg's rtsp demuxer options shared by the probe and the decoder. */
/**
 * `analyzeS`: how much stream ffmpeg reads to find the format before the first frame. The probe
 * takes 1 s; the decoder, which reconnects, 0.3 s (ffmpeg's first frame came 1.5 s after start with
 * 1 s, 0.7 s with 0.2 s, on the test camera).
 */
export function rtspInputArgs(url: string, transport: string, timeoutS: number, analyzeS = 1): string[] {
  return [
    '-rtsp_transport', transport,
    '-timeout', String(Math.round(timeoutS * 1e6)), // socket I/O timeout, µs
    '-analyzeduration', String(Math.round(analyzeS * 1e6)), // not ffmpeg's default 5 s
    '-probesize', '1000000', // (-fflags nobuffer made the start 2 s slower here)
    '-i', url,
  ];
}

/**
 * Connects to the camera and reads its caps, giving up after `timeoutS` (connection refused
 * fails at once; a host that does not answer takes the whole timeout).
 */
export function probeRtsp(url: string, transport: string, timeoutS: number): Promise<RtspProbe> {
  const args = ['-v', 'error', ...rtspInputArgs(url, transport, timeoutS), '-select_streams', 'v:0', '-show_streams', '-print_format', 'json'];
  const fail = (why: string) =>
    new KindPipeError(
      'input',
      `cannot open the RTSP stream ${redactUrl(url)}: ${why}. Fix: check that the camera is on and reachable from this machine ` +
        `(host, port, path and credentials in the url), or try transport: ${transport === 'tcp' ? 'udp' : 'tcp'}`,
    );
  return new Promise((resolve, reject) => {
    execFile(ffprobePath, args, { timeout: (timeoutS + 2) * 1000, killSignal: 'SIGKILL', maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) {
        const said = String(stderr).trim().split('\n').pop();
        if ((error as { code?: unknown }).code === 'ENOENT') reject(new KindPipeError('input', `ffprobe is not installed (${ffprobePath}). Fix: apt-get install ffmpeg`));
        else if (error.killed || !said) reject(fail(`no answer within ${timeoutS} s (timeout)`));
        else reject(fail(`ffprobe says "${said.replaceAll(url, redactUrl(url))}"`));
        return;
      }
      const video = (JSON.parse(stdout) as { streams?: { width?: number; height?: number; r_frame_rate?: string; avg_frame_rate?: string; codec_name?: string }[] }).streams?.[0];
      if (!video?.width || !video.height) return reject(fail('it has no video stream'));
      const fps = [video.avg_frame_rate, video.r_frame_rate].map(rate).find((r) => r > 0 && r <= 240) ?? 0;
      resolve({ width: video.width, height: video.height, fps, codec: video.codec_name ?? 'unknown' });
    });
  });
}

function rate(text: string | undefined): number {
  const [num, den] = (text ?? '').split('/').map(Number);
  return den ? num / den : num || 0;
}
