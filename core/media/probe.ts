import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { KindPipeError } from '../errors.js';
import { ffmpegFile, ffprobePath, notInstalled, startTool } from './tool.js';

const run = promisify(execFile);

/** What kind-pipe needs to know about a video file before decoding it. */
export interface VideoProbe {
  /** Display size: width and height after rotation. */
  width: number;
  height: number;
  /** Average frame rate (frames / duration): the rate the encoder writes. */
  fps: number;
  /** Nominal rate differs from the average: variable frame rate. */
  variableFrameRate: boolean;
  /** Frames in the stream, when the container says or a count was made. */
  frameCount?: number;
  durationS: number;
  rotation: number;
  hasAudio: boolean;
  pixelFormat: string;
  /** ffprobe's field_order: 'progressive', 'tt', 'bb', 'tb', 'bt', or 'unknown'. */
  fieldOrder: string;
}

interface FfprobeStream {
  codec_type: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  nb_frames?: string;
  duration?: string;
  pix_fmt?: string;
  field_order?: string;
  tags?: Record<string, string>;
  side_data_list?: { rotation?: number }[];
}

export async function probeVideo(file: string): Promise<VideoProbe> {
  let json: { streams?: FfprobeStream[]; format?: { duration?: string; format_name?: string } };
  try {
    const { stdout } = await run(ffprobePath, ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', ffmpegFile(file)], {
      maxBuffer: 16 << 20,
    });
    json = JSON.parse(stdout);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw notInstalled(ffprobePath);
    const detail = ((error as { stderr?: string }).stderr ?? String(error)).trim().split('\n').pop();
    throw new KindPipeError('input', `${file} is not a readable video: ffprobe says "${detail}". Fix: check the file, or convert it with ffmpeg first`);
  }
  const video = json.streams?.find((s) => s.codec_type === 'video' && s.width && s.height);
  if (!video) throw new KindPipeError('input', `${file} has no video stream (ffprobe found ${json.streams?.map((s) => s.codec_type).join(', ') || 'no streams'}). Fix: pass a video file`);
  const rotation = Number(video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? video.tags?.rotate ?? 0);
  const quarterTurn = Math.abs(rotation) % 180 === 90;
  const nominal = rate(video.r_frame_rate);
  const durationS = Number(video.duration ?? json.format?.duration ?? 0);
  const frameCount = video.nb_frames ? Number(video.nb_frames) : undefined;
  const average = rate(video.avg_frame_rate) || nominal;
  const variableFrameRate = nominal > 0 && Math.abs(nominal - average) / average > 0.01;
  // For VFR the encoder's constant rate must keep the frame count and the duration together.
  const fps = variableFrameRate && frameCount && durationS > 0 ? frameCount / durationS : average;
  if (!fps) throw new KindPipeError('input', `${file}: ffprobe reports no frame rate. Fix: remux it with ffmpeg -r`);
  return {
    width: quarterTurn ? video.height! : video.width!,
    height: quarterTurn ? video.width! : video.height!,
    fps,
    variableFrameRate,
    frameCount,
    durationS,
    rotation,
    hasAudio: json.streams?.some((s) => s.codec_type === 'audio') ?? false,
    pixelFormat: video.pix_fmt ?? 'unknown',
    fieldOrder: video.field_order ?? 'unknown',
  };
}

function rate(text: string | undefined): number {
  if (!text) return 0;
  const [num, den] = text.split('/').map(Number);
  return den ? num / den : num || 0;
}

const countArgs = ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0'];

/** Frames in a file's video stream, counted from its packets (no decoding). */
export async function countVideoFrames(file: string): Promise<number> {
  const { stdout } = await run(ffprobePath, [...countArgs, ffmpegFile(file)]);
  return packetCount(stdout);
}

/**
 * The count in ffprobe's answer to countArgs. An MPEG-TS file lists its stream twice, once under
 * its program and once on its own ("30", "", "30"): the first count is the stream's.
 */
export function packetCount(stdout: string): number {
  const first = stdout.split('\n').map((line) => line.trim()).find((line) => line !== '');
  return Number(first) || 0;
}

/** countVideoFrames with ffprobe started before the file is complete; see startFrameCounter. */
export interface FrameCounter {
  /** The frames in `file`'s video stream; call once, when the file is complete. */
  count(file: string): Promise<number>;
  dispose(): void;
}

/**
 * Starts the ffprobe of countVideoFrames now and gives it the file later, through its stdin, front
 * to back: its startup (~0.1 s) then overlaps the encoding instead of following it (#18). It reads
 * the same bytes and counts the same packets: the same counts for complete and cut-off MP4/MOV
 * (moov first, +faststart), MKV, AVI and TS files; an MP4 whose index is at the end counts 0.
 */
export function startFrameCounter(): FrameCounter {
  const tool = startTool(ffprobePath, [...countArgs, 'pipe:0'], 'pipe');
  let stdout = '';
  tool.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  tool.child.stdin!.on('error', () => undefined); // an ffprobe that stops reading reports through its exit code
  return {
    async count(file) {
      await pipeline(createReadStream(file), tool.child.stdin!).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') throw error;
      });
      const code = await tool.exited;
      if (code !== 0) throw new KindPipeError('output', `ffprobe could not count the frames of ${file} (exit ${code}):\n    ${tool.stderrTail()}`);
      return packetCount(stdout);
    },
    dispose() {
      if (tool.child.exitCode === null) tool.child.kill('SIGKILL');
    },
  };
}
