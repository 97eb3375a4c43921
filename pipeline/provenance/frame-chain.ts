import { createHash } from 'node:crypto';
import { KindPipeError } from '../../core/errors.js';
import { ffmpegFile, ffmpegPath, startTool } from '../../core/media/tool.js';

/** What the chain is over and how it was made: a verifier recomputes it the same way. */
export const frameChainMethod =
  'sha256 of each decoded frame of the first video stream in its native pixel format (ffmpeg -f framehash -hash sha256); chain c0 = sha256("kind-pipe frame chain 1"), c(i+1) = sha256(c(i) ‖ frame hash i)';

export interface FrameChain {
  frames: number;
  /** The last link, hex. */
  head: string;
}

/** The sha256 of every decoded frame of `file`, in order (hex), by ffmpeg's framehash muxer. */
export async function frameHashes(file: string): Promise<string[]> {
  const tool = startTool(ffmpegPath, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', ffmpegFile(file), '-map', '0:v:0', '-f', 'framehash', '-hash', 'sha256', 'pipe:1']);
  const hashes: string[] = [];
  let partial = '';
  tool.child.stdout!.setEncoding('utf8');
  tool.child.stdout!.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('#') || !line.trim()) continue;
      const hash = line.slice(line.lastIndexOf(',') + 1).trim();
      if (/^[0-9a-f]{64}$/.test(hash)) hashes.push(hash);
    }
  });
  const code = await tool.exited;
  if (code !== 0) throw new KindPipeError('input', `cannot decode ${file} to hash its frames (ffmpeg exit ${code}):\n    ${tool.stderrTail()}`);
  return hashes;
}

/** Folds frame hashes into one chain: any changed, missing, added or reordered frame changes the head. */
export function chainOf(hashes: readonly string[]): FrameChain {
  let link = createHash('sha256').update('kind-pipe frame chain 1').digest();
  for (const hash of hashes) link = createHash('sha256').update(link).update(Buffer.from(hash, 'hex')).digest();
  return { frames: hashes.length, head: link.toString('hex') };
}
