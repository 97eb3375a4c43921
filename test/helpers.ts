import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../models/paths.js';

const run = promisify(execFile);
export const cliPath = join(projectRoot, 'dist', 'pipeline', 'cli', 'main.js');
export const sharedData = join(projectRoot, '..', 'shared', 'data');

export function tempDir(prefix = 'kind-pipe-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would. */
export function cli(args: string[], options: { cwd?: string; onStderr?: (text: string, kill: (s: NodeJS.Signals) => void) => void } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: options.cwd ?? projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      options.onStderr?.(stderr, (s) => child.kill(s));
    });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export interface ClipOptions {
  width: number;
  height: number;
  seconds: number;
  fps?: number;
  audio?: boolean;
  /** Display-matrix rotation in degrees, written as container metadata. */
  rotate?: number;
  /** Brightness offset for eq (negative = darker). */
  brightness?: number;
}

/** A dark, noisy test clip made by ffmpeg's lavfi (moving test pattern with temporal noise). */
export async function makeClip(file: string, o: ClipOptions): Promise<string> {
  const fps = o.fps ?? 25;
  const video = `testsrc2=size=${o.width}x${o.height}:rate=${fps},format=yuv444p,eq=brightness=${o.brightness ?? -0.35}:contrast=0.5,noise=alls=10:allf=t`;
  const args = ['-v', 'error', '-y', '-f', 'lavfi', '-i', video];
  if (o.audio) args.push('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000');
  args.push('-t', String(o.seconds), '-c:v', 'libx264', '-pix_fmt', o.width % 2 || o.height % 2 ? 'yuv444p' : 'yuv420p');
  if (o.audio) args.push('-c:a', 'aac', '-shortest');
  if (!o.rotate) {
    await run('ffmpeg', [...args, file]);
    return file;
  }
  // ffmpeg 5.1 writes the rotate tag as a display matrix only when stream-copying.
  const plain = `${file}.plain.mp4`;
  await run('ffmpeg', [...args, plain]);
  await run('ffmpeg', ['-v', 'error', '-y', '-i', plain, '-c', 'copy', '-metadata:s:v:0', `rotate=${o.rotate}`, file]);
  return file;
}

export interface StreamFacts {
  width: number;
  height: number;
  frames: number;
  fps: number;
  duration: number;
  hasAudio: boolean;
}

/** Counts frames by decoding (not trusting container metadata). */
export async function probe(file: string): Promise<StreamFacts> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-count_frames', '-print_format', 'json', '-show_streams', '-show_format', file]);
  const json = JSON.parse(stdout);
  const video = json.streams.find((s: { codec_type: string }) => s.codec_type === 'video');
  const [n, d] = String(video.avg_frame_rate).split('/').map(Number);
  return {
    width: video.width,
    height: video.height,
    frames: Number(video.nb_read_frames),
    fps: n / (d || 1),
    duration: Number(json.format.duration),
    hasAudio: json.streams.some((s: { codec_type: string }) => s.codec_type === 'audio'),
  };
}

/** Mean luma (0..255) over all frames of a video or an image. */
export async function meanLuma(file: string): Promise<number> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 30 });
  let sum = 0;
  for (const v of stdout) sum += v;
  return sum / stdout.length;
}

export function exists(path: string): boolean {
  return existsSync(path);
}

/** decode → encode: source.file and sink.file only. */
export function copyPipeline(dir: string): string {
  const file = join(dir, 'copy.yaml');
  writeFileSync(file, `version: 1
nodes:
  - { id: decode, plugin: source.file, options: { path: in.mp4 } }
  - { id: encode, plugin: sink.file, inputs: { video: decode }, options: { path: out.mp4, preset: ultrafast } }
`);
  return file;
}
