import test from 'ava';
import { join } from 'node:path';
import { cli, makeClip, meanLuma, probe, tempDir } from './helpers.js';

test('cctv-night.yaml keeps frame count, fps, size, duration and audio of an odd-sized dark clip, and brightens it', async (t) => {
  const dir = tempDir();
  const input = await makeClip(join(dir, 'night.mp4'), { width: 322, height: 182, seconds: 2, fps: 25, audio: true });
  const output = join(dir, 'night-enhanced.mp4');

  const result = await cli(['run', 'pipelines/cctv-night.yaml', '--set', `input=${input}`, '--set', `output=${output}`]);

  t.is(result.code, 0, result.stderr);
  t.is(result.stdout.trim(), output);
  const before = await probe(input);
  const after = await probe(output);
  t.is(after.frames, before.frames);
  t.is(after.frames, 50);
  t.is(after.width, 322);
  t.is(after.height, 182);
  t.true(Math.abs(after.fps - before.fps) < 0.01, `fps ${after.fps} vs ${before.fps}`);
  t.true(Math.abs(after.duration - before.duration) < 0.1, `duration ${after.duration} vs ${before.duration}`);
  t.true(after.hasAudio);
  const [lumaIn, lumaOut] = [await meanLuma(input), await meanLuma(output)];
  t.true(lumaOut > lumaIn, `mean luma ${lumaOut.toFixed(1)} should exceed ${lumaIn.toFixed(1)}`);
});

test('stills.yaml enhances a folder of images of different sizes into PNGs named after them', async (t) => {
  const dir = tempDir();
  const shots = join(dir, 'shots');
  const { mkdirSync, readdirSync } = await import('node:fs');
  mkdirSync(shots);
  const { execFileSync } = await import('node:child_process');
  for (const [name, size] of [['a', '64x48'], ['b', '37x29']]) {
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${size},format=rgb24,colorlevels=romax=0.3:gomax=0.3:bomax=0.3`, '-frames:v', '1', join(shots, `${name}.png`)]);
  }
  const out = join(dir, 'enhanced');
  const result = await cli(['run', 'pipelines/stills.yaml', '--set', `input=${shots}`, '--set', `output=${out}`]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(readdirSync(out).sort(), ['a.png', 'b.png']);
  const b = await probe(join(out, 'b.png'));
  t.is(b.width, 37);
  t.is(b.height, 29);
  t.true((await meanLuma(join(out, 'a.png'))) > (await meanLuma(join(shots, 'a.png'))));
});
