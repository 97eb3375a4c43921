import test from 'ava';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Frame } from '../core/frame.js';
import { silentLogger } from '../core/logger.js';
import { resolveOptions } from '../core/options.js';
import { projectRoot } from '../models/paths.js';
import { monoGuard } from '../plugins/mono-guard/mono-guard.js';
import { cli, probe, tempDir } from './helpers.js';

const run = promisify(execFile);

function guard(raw: Record<string, unknown> = {}) {
  const { options } = resolveOptions(monoGuard.options, raw);
  return monoGuard.create({ nodeId: 'ir', options, log: silentLogger, signal: new AbortController().signal, get: () => undefined as never });
}

/** An input frame: colour, or grey (R = G = B, as an infrared camera sends) with slight sensor noise. */
function input(index: number, grey: boolean, width = 32, height = 24): Frame {
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    const level = 30 + ((p * 37) % 90);
    const noise = grey ? (p % 3) - 1 : 0; // ±1: chroma well under the tolerance
    data.set(grey ? [level, level + noise, level] : [level + 40, level, Math.max(level - 20, 0)], p * 3);
  }
  return { index, pts: index / 25, width, height, channels: 3, data };
}

/** What a colour model makes of any frame: brighter, with a reddish cast. */
function enhanced(frame: Frame): Frame {
  const data = frame.data.map((v, i) => Math.min(255, v * 2 + (i % 3 === 0 ? 25 : 0)));
  return { ...frame, data: new Uint8Array(data) };
}

const luma = (d: Uint8Array | Float32Array) => {
  let sum = 0;
  for (let i = 0; i < d.length; i += 3) sum += 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
  return sum / (d.length / 3);
};
const isGrey = (d: Uint8Array | Float32Array) => d.every((v, i) => i % 3 !== 0 || (v === d[i + 1] && v === d[i + 2]));

test('mono.guard: colour → grey → colour: grey frames leave exactly grey, after `enter` frames; colour returns after `leave`', async (t) => {
  const stage = guard({ enter: 3, leave: 2, smoothing: 0 });
  const pattern = [...Array(5).fill(false), ...Array(10).fill(true), ...Array(6).fill(false)];
  const modes: boolean[] = [];
  const lumaJump: number[] = [];
  for (const [index, grey] of pattern.entries()) {
    const reference = input(index, grey);
    const video = enhanced(reference);
    const out = (await stage.process({ video, reference })).video;
    modes.push(isGrey(out.data));
    lumaJump.push(Math.abs(luma(out.data) - luma(video.data)));
  }
  // Inputs 5–14 are grey. Mono from the third grey input (7); the first colour input (15) still
  // comes out grey, the second (16) switches back.
  t.deepEqual(modes.map((m, i) => (m ? i : -1)).filter((i) => i >= 0), [7, 8, 9, 10, 11, 12, 13, 14, 15]);
  t.log(`largest |mean luma(out) − mean luma(enhanced)| over the run: ${Math.max(...lumaJump).toFixed(3)} (0..255)`);
  t.true(Math.max(...lumaJump) < 0.5, 'switching changes chroma only, not brightness');
});

test('mono.guard keeps the enhancement gain continuous: a model that brightens grey frames 25 % more fades in over frames instead of jumping', async (t) => {
  const stage = guard({ enter: 3, leave: 3, smoothing: 0.9 });
  const size = 32 * 24;
  /** Input frames of one luma (±0.5): colour, or grey from frame 10 on (the camera's switch). */
  const frame = (index: number): Frame => {
    const data = new Uint8Array(size * 3);
    for (let p = 0; p < size; p++) {
      const l = 40 + (p % 60);
      data.set(index >= 10 ? [l, l, l] : [l + 20, l - 10, l - 1], p * 3);
    }
    return { index, pts: index / 25, width: 32, height: 24, channels: 3, data };
  };
  const steps: number[] = [];
  let previous = 0;
  for (let index = 0; index < 30; index++) {
    const reference = frame(index);
    const gain = index >= 10 ? 2 : 1.6; // what a colour model might do with grey frames
    const video = { ...reference, data: reference.data.map((v) => Math.round(v * gain)) };
    const out = luma((await stage.process({ video, reference })).video.data);
    if (index > 0) steps.push(Math.abs(out / previous - 1));
    previous = out;
  }
  t.log(`frame-to-frame luma steps (%): ${steps.map((s) => (100 * s).toFixed(1)).join(' ')} (the model's own: 25 % at frame 10)`);
  t.true(Math.max(...steps) < 0.03, 'no step above 3 %');
  t.true(steps[steps.length - 1] < 0.01, 'the fade settles');
});

test('mono.guard: a single grey frame in colour video (a flash) does not switch modes', async (t) => {
  const stage = guard({ enter: 3, leave: 3 });
  for (const [index, grey] of [false, true, true, false, true, false].entries()) {
    const reference = input(index, grey);
    const out = (await stage.process({ video: enhanced(reference), reference })).video;
    t.false(isGrey(out.data), `frame ${index}`);
  }
});

test('pipelines/cctv-night-ir.yaml: grey stretch of a colour clip comes out without colour', async (t) => {
  const dir = tempDir();
  const clip = join(dir, 'ir.mp4');
  // 20 frames: colour, then 10 frames desaturated (the camera's IR mode), then colour.
  await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=25', '-frames:v', '20',
    '-vf', "format=rgb24,lutrgb=r=val*0.3:g=val*0.3:b=val*0.3,hue=s=0:enable='between(n,5,14)'", '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p', clip]);
  const output = join(dir, 'out.mp4');
  const result = await cli(['run', join(projectRoot, 'pipelines', 'cctv-night-ir.yaml'), '--set', `input=${clip}`, '--set', `output=${output}`,
    '--set', 'encode.preset=ultrafast', '--set', 'encode.pix_fmt=yuv444p', '--set', 'encode.crf=0', '--set', 'restore.model=kind-lite']);
  t.is(result.code, 0, result.stderr);
  t.is((await probe(output)).frames, 20);
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', output, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 26 });
  const size = 64 * 48 * 3;
  const chroma = Array.from({ length: 20 }, (_, f) => {
    let sum = 0;
    for (let i = f * size; i < (f + 1) * size; i += 3) sum += Math.max(stdout[i], stdout[i + 1], stdout[i + 2]) - Math.min(stdout[i], stdout[i + 1], stdout[i + 2]);
    return sum / (size / 3);
  });
  t.log(`mean chroma per output frame: ${chroma.map((c) => c.toFixed(1)).join(' ')}`);
  for (let f = 7; f <= 16; f++) t.true(chroma[f] < 2, `frame ${f} (mono mode) chroma ${chroma[f]}`);
  for (const f of [0, 1, 2, 3, 4, 17, 18, 19]) t.true(chroma[f] > 10, `frame ${f} (colour) chroma ${chroma[f]}`);
});

/** Mean Y, |U−128| and |V−128| of every frame of a video, decoded as yuv444p. */
async function yuvStats(file: string, width: number, height: number): Promise<{ y: number; u: number; v: number }[]> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'yuv444p', 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 26 });
  const plane = width * height;
  const frames = stdout.length / (plane * 3);
  return Array.from({ length: frames }, (_, f) => {
    const at = f * plane * 3;
    let [y, u, v] = [0, 0, 0];
    for (let p = 0; p < plane; p++) {
      y += stdout[at + p];
      u += Math.abs(stdout[at + plane + p] - 128);
      v += Math.abs(stdout[at + 2 * plane + p] - 128);
    }
    return { y: y / plane, u: u / plane, v: v / plane };
  });
}

test('issue #9: a clip switching from colour to IR halfway: the IR half has no colour cast and luma does not jump at the switch more than the input does', async (t) => {
  const dir = tempDir();
  const clip = join(dir, 'colour-then-ir.mp4');
  // 30 frames of a dark pattern; from frame 15 the camera is in IR mode (no chroma). Darkened in
  // RGB, so that every colour stays in gamut and Y is the same luma that the RGB frames carry.
  await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=96x64:rate=25', '-frames:v', '30',
    '-vf', "format=rgb24,lutrgb=r=val*0.3:g=val*0.3:b=val*0.3,hue=s=0:enable='gte(n,15)'", '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p', clip]);
  const output = join(dir, 'out.mp4');
  const result = await cli(['run', join(projectRoot, 'pipelines', 'cctv-night-ir.yaml'), '--set', `input=${clip}`, '--set', `output=${output}`,
    '--set', 'encode.preset=ultrafast', '--set', 'encode.pix_fmt=yuv444p', '--set', 'encode.crf=0', '--set', 'restore.model=kind-lite', '--set', 'ir.enter=3']);
  // crf 0 (lossless): the file shows what the stage wrote. A lossy encoder leaks a little chroma
  // (≤ 5 levels, fading) into the first grey frames, predicted from the colour ones before them.
  t.is(result.code, 0, result.stderr);
  const [input, out] = [await yuvStats(clip, 96, 64), await yuvStats(output, 96, 64)];
  t.is(out.length, 30);
  t.log(`input |U−128|+|V−128| per frame: ${input.map((s) => (s.u + s.v).toFixed(1)).join(' ')}`);
  t.log(`output |U−128|+|V−128| per frame: ${out.map((s) => (s.u + s.v).toFixed(1)).join(' ')}`);
  // Mono mode from the third IR frame (17) on.
  for (let f = 17; f < 30; f++) {
    t.true(out[f].u <= 2 && out[f].v <= 2, `frame ${f}: mean |U−128| ${out[f].u.toFixed(2)}, |V−128| ${out[f].v.toFixed(2)} (limit 2)`);
  }
  t.true(out[10].u + out[10].v > 4, 'the colour half keeps its colour');
  // Relative luma steps: the output may not step more than the input does, at the camera's switch (15)
  // and at the guard's (17), beyond 2 % of the output's level.
  const step = (s: { y: number }[], f: number) => Math.abs(s[f].y - s[f - 1].y) / s[f - 1].y;
  for (let f = 15; f <= 18; f++) {
    t.log(`frame ${f}: input luma step ${(100 * step(input, f)).toFixed(2)} %, output ${(100 * step(out, f)).toFixed(2)} %`);
    t.true(step(out, f) <= step(input, f) + 0.02, `frame ${f}: output luma steps ${(100 * step(out, f)).toFixed(2)} %, input ${(100 * step(input, f)).toFixed(2)} %`);
  }
});
