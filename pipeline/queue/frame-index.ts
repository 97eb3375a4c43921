import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { KindPipeError } from '../../core/errors.js';
import { ffprobePath } from '../../core/media/tool.js';

const run = promisify(execFile);

/** Every video frame's timestamp in display order, and which ones are keyframes. */
export interface FrameIndex {
  pts: number[];
  keyframe: boolean[];
  /** The file's start time: ffmpeg's `-ss` counts from it. */
  startS: number;
}

/**
 * Reads the video stream's packet list (no decoding): one packet per frame, its timestamp and
 * keyframe flag, sorted into display order (B-frames arrive out of order).
 */
export async function indexFrames(file: string): Promise<FrameIndex> {
  let packets: string;
  let start: string;
  try {
    ({ stdout: packets } = await run(ffprobePath, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', file], { maxBuffer: 256 << 20 }));
    ({ stdout: start } = await run(ffprobePath, ['-v', 'error', '-show_entries', 'format=start_time', '-of', 'csv=p=0', file]));
  } catch (error) {
    const detail = ((error as { stderr?: string }).stderr ?? String(error)).trim().split('\n').pop();
    throw new KindPipeError('input', `${file} is not a readable video: ffprobe says "${detail}". Fix: check the file, or convert it with ffmpeg first`);
  }
  const frames: { pts: number; key: boolean }[] = [];
  for (const line of packets.split('\n')) {
    if (!line.trim()) continue;
    const [time, flags = ''] = line.split(',');
    const pts = Number(time);
    if (!Number.isFinite(pts)) {
      throw new KindPipeError('input', `${file}: its video packets carry no timestamps ('${line.trim()}'), so it cannot be cut into segments. Fix: remux it first (ffmpeg -i IN -c copy OUT.mkv), or run it on one machine with kind-pipe run`);
    }
    frames.push({ pts, key: flags.includes('K') });
  }
  frames.sort((a, b) => a.pts - b.pts);
  return { pts: frames.map((f) => f.pts), keyframe: frames.map((f) => f.key), startS: Number(start.trim()) || 0 };
}
