import { decodedFrames } from './score.js';

/** Flicker on a real clip (no ground truth): where the input stays still, how much does the output change? */
export interface RealFlicker {
  /** Mean |out(t) − out(t−1)| over the still pixels (code values). */
  flicker: number;
  /** The input's own change there, scaled by the output's brightness over the input's (what a plain gain would give). */
  inputFlicker: number;
  stillShare: number;
  frames: number;
}

/**
 * A pixel is still between two frames when the input's 8×8 block around it changed by under 1.5
 * code values on average (block means average the sensor noise away; anything that moves or
 * changes light changes its block). Output flicker is measured on those pixels only.
 */
export async function realFlicker(input: string, output: string, width: number, height: number, limit: number): Promise<RealFlicker> {
  const ins = decodedFrames(input, width, height)[Symbol.asyncIterator]();
  const outs = decodedFrames(output, width, height)[Symbol.asyncIterator]();
  const block = 8;
  const bw = Math.ceil(width / block);
  const bh = Math.ceil(height / block);
  let previous: { input: Uint8Array; output: Uint8Array; blocks: Float32Array } | undefined;
  let flicker = 0;
  let inputChange = 0;
  let still = 0;
  let total = 0;
  let inSum = 0;
  let outSum = 0;
  let frames = 0;
  for (; frames < limit; frames++) {
    const [a, b] = await Promise.all([ins.next(), outs.next()]);
    if (a.done || b.done) break;
    const input = a.value.slice();
    const output = b.value.slice();
    const blocks = new Float32Array(bw * bh);
    const counts = new Float32Array(bw * bh);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 3;
        const k = Math.floor(y / block) * bw + Math.floor(x / block);
        blocks[k] += (input[i] + input[i + 1] + input[i + 2]) / 3;
        counts[k]++;
        inSum += input[i] + input[i + 1] + input[i + 2];
        outSum += output[i] + output[i + 1] + output[i + 2];
      }
    }
    for (let k = 0; k < blocks.length; k++) blocks[k] /= counts[k];
    if (previous) {
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const k = Math.floor(y / block) * bw + Math.floor(x / block);
          total++;
          if (Math.abs(blocks[k] - previous.blocks[k]) >= 1.5) continue;
          still++;
          const i = (y * width + x) * 3;
          for (let c = 0; c < 3; c++) {
            flicker += Math.abs(output[i + c] - previous.output[i + c]) / 3;
            inputChange += Math.abs(input[i + c] - previous.input[i + c]) / 3;
          }
        }
      }
    }
    previous = { input, output, blocks };
  }
  await Promise.all([ins.return?.(undefined), outs.return?.(undefined)]);
  const gain = inSum > 0 ? outSum / inSum : 1;
  return { flicker: flicker / Math.max(1, still), inputFlicker: (inputChange / Math.max(1, still)) * gain, stillShare: still / Math.max(1, total), frames };
}
