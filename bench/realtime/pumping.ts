import { decodedFrames } from '../video/score.js';

/** Brightness pumping: how much the whole frame's brightness moves from frame to frame. */
export interface Pumping {
  /** Mean |Ȳ(t) − Ȳ(t−1)| of the output, Ȳ the frame's mean Rec.601 luma (code values). */
  output: number;
  /** The input's, times the output's mean brightness over the input's (what a plain gain would give), as realFlicker scales it. */
  input: number;
  frames: number;
}

/** Mean Rec.601 luma of an rgb24 frame. */
function meanLuma(frame: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < frame.length; i += 3) sum += 0.299 * frame[i] + 0.587 * frame[i + 1] + 0.114 * frame[i + 2];
  return sum / (frame.length / 3);
}

function meanStep(series: number[]): number {
  let sum = 0;
  for (let t = 1; t < series.length; t++) sum += Math.abs(series[t] - series[t - 1]);
  return sum / Math.max(1, series.length - 1);
}

/** The first `limit` frames of `input` and `output` (same size), compared for pumping. */
export async function pumping(input: string, output: string, width: number, height: number, limit: number): Promise<Pumping> {
  const ins: number[] = [];
  const outs: number[] = [];
  for await (const frame of decodedFrames(input, width, height)) if (ins.push(meanLuma(frame)) >= limit) break;
  for await (const frame of decodedFrames(output, width, height)) if (outs.push(meanLuma(frame)) >= limit) break;
  const frames = Math.min(ins.length, outs.length);
  const mean = (series: number[]) => series.slice(0, frames).reduce((a, b) => a + b, 0) / Math.max(1, frames);
  const gain = mean(ins) > 0 ? mean(outs) / mean(ins) : 1;
  return { output: meanStep(outs.slice(0, frames)), input: meanStep(ins.slice(0, frames)) * gain, frames };
}
