import { spawnSync } from 'node:child_process';
import { KindPipeError } from '../../core/errors.js';
import { ffprobePath } from '../../core/media/tool.js';

/**
 * The frame size `graph` produces from width×height rgb24 input, found before any frame flows by
 * letting ffprobe open the graph on a lavfi test source. A graph that does not parse, or does not
 * fit this input, fails here with ffmpeg's own words.
 */
export function filterOutputSize(graph: string, width: number, height: number, fps: number): { width: number; height: number } {
  const source = `color=c=black:s=${width}x${height}:r=${fps > 0 ? fps : 25},format=rgb24,${graph}`;
  const result = spawnSync(ffprobePath, ['-v', 'error', '-f', 'lavfi', '-i', source, '-show_entries', 'stream=width,height', '-of', 'json'], { encoding: 'utf8', timeout: 20_000 });
  const stream = result.status === 0 ? JSON.parse(result.stdout).streams?.[0] : undefined;
  if (!stream?.width || !stream?.height) {
    const why = (result.stderr || result.error?.message || 'no video stream came out').trim().split('\n').slice(-3).join(' | ');
    throw new KindPipeError('config', `ffmpeg.filter: the filtergraph '${graph}' does not run on ${width}×${height} rgb24 input: ${why}. Fix: check it with ffmpeg -vf '${graph}' (one chain of filters separated by commas)`);
  }
  return { width: stream.width, height: stream.height };
}
