import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { KindPipeError } from '../errors.js';
import { ffmpegFile, ffmpegPath, ffprobePath } from './tool.js';

const run = promisify(execFile);

/** File extensions read as images. */
export const imageExtensions: readonly string[] = ['.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.webp', '.ppm', '.pgm'];

export interface Still {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Size of an image file, from ffprobe. */
export async function probeImage(file: string): Promise<{ width: number; height: number }> {
  try {
    const { stdout } = await run(ffprobePath, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'json', ffmpegFile(file)]);
    const stream = JSON.parse(stdout).streams?.[0];
    if (!stream?.width) throw new Error('no picture in it');
    return { width: stream.width, height: stream.height };
  } catch (error) {
    const detail = ((error as { stderr?: string }).stderr || (error as Error).message).trim().split('\n').pop();
    throw new KindPipeError('input', `${file} is not a readable image: ${detail}`);
  }
}

/** Decodes any image ffmpeg reads into rgb24; pass its size when already probed. */
export async function decodeImage(file: string, size?: { width: number; height: number }): Promise<Still> {
  const { width, height } = size ?? (await probeImage(file));
  const { stdout } = await run(ffmpegPath, ['-v', 'error', '-nostdin', '-i', ffmpegFile(file), '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], {
    encoding: 'buffer',
    maxBuffer: width * height * 3 + 1024,
  });
  if (stdout.length !== width * height * 3) throw new KindPipeError('input', `${file}: decoded ${stdout.length} bytes, expected ${width}×${height}×3`);
  return { width, height, data: new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.length) };
}

/** Encodes rgb24 to a PNG file. */
export async function encodePng(file: string, still: Still): Promise<void> {
  const child = spawn(ffmpegPath, ['-v', 'error', '-nostdin', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${still.width}x${still.height}`, '-i', 'pipe:0', '-frames:v', '1', '-f', 'image2', '-c:v', 'png', ffmpegFile(file)], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.on('error', () => undefined);
  child.stdin.end(still.data);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new KindPipeError('output', `writing ${file} failed: ${stderr.trim()}`);
}
