import { execFile } from 'node:child_process';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { promisify } from 'node:util';
import { KindPipeError } from '../../core/errors.js';
import { countVideoFrames } from '../../core/media/probe.js';
import { ffmpegPath } from '../../core/media/tool.js';

const run = promisify(execFile);

export interface JoinRequest {
  /** Segment files in order, with the frames each holds. */
  segments: readonly { path: string; frames: number }[];
  /** The rate the segments were encoded at: each one's duration in the join is frames / fps. */
  fps: number;
  /** The original file: its audio is copied in when `audio` is set. */
  input: string;
  audio: boolean;
  output: string;
  /** Frames the joined file must hold. */
  frames: number;
  workDir: string;
}

/** The exact ffmpeg arguments of a join (recorded in the manifest). */
export function joinArguments(list: string, request: JoinRequest, temp: string): string[] {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', list];
  if (request.audio) args.push('-i', request.input, '-map', '0:v:0', '-map', '1:a?', '-c:a', 'copy');
  else args.push('-map', '0:v:0');
  args.push('-c:v', 'copy');
  if (['.mp4', '.mov', '.m4v'].includes(extname(request.output).toLowerCase())) args.push('-movflags', '+faststart');
  args.push(temp);
  return args;
}

/**
 * Joins the segment files without re-encoding (ffmpeg's concat demuxer, `-c copy`) under a
 * hidden name beside the output, checks that the result holds every frame, and only then renames
 * it to the output: a failure leaves an old output as it was and nothing new under its name.
 */
export async function joinSegments(request: JoinRequest): Promise<string[]> {
  const list = join(request.workDir, 'segments.txt');
  // An explicit duration per file: the concat demuxer would otherwise start each file where the
  // last one's container duration ends, which mp4 rounds (0.3 ms a cut at 24 fps: audio drifts).
  const entry = (s: { path: string; frames: number }) => `file '${s.path.replaceAll("'", "'\\''")}'\nduration ${(s.frames / request.fps).toFixed(9)}\n`;
  writeFileSync(list, request.segments.map(entry).join(''));
  const output = request.output;
  const temp = join(dirname(output), `.${basename(output, extname(output))}.joining-${process.pid}${extname(output)}`);
  const args = joinArguments(list, request, temp);
  try {
    await run(ffmpegPath, args, { maxBuffer: 16 << 20 });
    const frames = await countVideoFrames(temp);
    if (frames !== request.frames) {
      throw new KindPipeError('output', `joining the segments of ${output} gave ${frames} frames, not ${request.frames}. Nothing was written under ${output}`);
    }
    renameSync(temp, output);
  } catch (error) {
    rmSync(temp, { force: true });
    if (KindPipeError.is(error)) throw error;
    const detail = ((error as { stderr?: string }).stderr ?? String(error)).trim().split('\n').slice(-3).join('\n    ');
    throw new KindPipeError('output', `joining the segments into ${output} failed:\n    ${detail}`);
  }
  return args;
}

