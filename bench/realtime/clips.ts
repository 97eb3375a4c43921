import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { projectRoot } from '../../models/paths.js';

/** The shared data folder, found as bench:video finds it. */
export const dataRoot = process.env.KIND_PIPE_DATA ?? join(projectRoot, '..', 'shared', 'data');
export const nightRoad = join(dataRoot, 'video', 'night-road-640x360.mp4');
export const dimIndoor = join(dataRoot, 'video', 'dim-indoor-848x478.mp4');

/** A clip the benchmark runs: a real camera's file, or one made from a real one at a camera's size. */
export interface Clip {
  name: string;
  file: string;
  width: number;
  height: number;
  /** Frames in the file. */
  length: number;
  fps: number;
  made: boolean;
}

/** Size, frame count and rate of a video file, from ffprobe (packets counted: exact, and quick). */
export function probeClip(name: string, file: string, made: boolean): Clip {
  const json = execFileSync('ffprobe', ['-v', 'error', '-count_packets', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,avg_frame_rate,nb_read_packets', '-of', 'json', file], { encoding: 'utf8' });
  const stream = JSON.parse(json).streams[0] as { width: number; height: number; avg_frame_rate: string; nb_read_packets: string };
  const [num, den] = stream.avg_frame_rate.split('/').map(Number);
  return { name, file, width: stream.width, height: stream.height, length: Number(stream.nb_read_packets), fps: num / (den || 1), made };
}

/**
 * A real clip (night-road: a busy timelapse of traffic; dim-indoor: a fixed indoor camera, one
 * person moving) scaled to `width`×`height` (lanczos) and played forward, backward and forward
 * again (486 and 615 frames): long enough for 300-frame runs, and the camera never cuts to another view,
 * which a plain loop would do (a jump the temporal smoothing would see as a scene change). Made
 * once into a cache folder under the OS temp dir, keyed by the source's size and mtime. x264
 * veryfast crf 18, as a recorder might write it.
 */
export function madeClip(from: string, width: number, height: number): Clip {
  const source = statSync(from);
  const stem = basename(from, '.mp4').replace(/-\d+x\d+$/, '');
  const cache = join(tmpdir(), 'kind-pipe-bench-realtime');
  const file = join(cache, `${stem}-${width}x${height}-${source.size}-${Math.floor(source.mtimeMs)}.mp4`);
  if (!existsSync(file)) {
    mkdirSync(cache, { recursive: true });
    process.stderr.write(`making ${file} (once)…\n`);
    const partial = `${file}.partial.mp4`;
    const graph = `[0:v]split=3[a][b][c];[b]reverse[r];[a][r][c]concat=n=3:v=1:a=0,scale=${width}:${height}:flags=lanczos[v]`;
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', from, '-filter_complex', graph, '-map', '[v]', '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', partial]);
    renameSync(partial, file);
  }
  return probeClip(`${stem} ${width}×${height} (made)`, file, true);
}
