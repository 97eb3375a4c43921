import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../models/paths.js';
import { cli, makeClip, meanLuma, probe, tempDir } from './helpers.js';

/** The example plugins of examples/plugins/ run as documented (issue #5). */
const examples = join(projectRoot, 'examples', 'plugins');
const clip = (async () => makeClip(join(tempDir(), 'in.mp4'), { width: 96, height: 64, seconds: 0.4 }))(); // 10 frames

test('examples/plugins/gamma.yaml lifts the shadows of every frame', async (t) => {
  const output = join(tempDir(), 'lifted.mp4');
  const result = await cli(['run', join(examples, 'gamma.yaml'), '--set', `input=${await clip}`, '--set', `output=${output}`, '--set', 'encode.preset=ultrafast']);
  t.is(result.code, 0, result.stderr);
  t.is((await probe(output)).frames, 10);
  t.true((await meanLuma(output)) > 1.3 * (await meanLuma(await clip)));
});

for (const host of ['inline', 'isolated']) {
  test(`the model-backed example.sharpen runs ${host} and keeps every frame`, async (t) => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'p.yaml'),
      `plugins: [ { from: ${join(examples, 'onnx-sharpen')}, host: ${host} } ]
nodes:
  - { id: decode, plugin: source.file, options: { path: ${await clip} } }
  - { id: sharpen, plugin: example.sharpen, inputs: { video: decode }, options: { amount: 2 } }
  - { id: encode, plugin: sink.file, inputs: { video: sharpen }, options: { path: out.mp4, preset: ultrafast } }
`,
    );
    const result = await cli(['run', 'p.yaml'], { cwd: dir });
    t.is(result.code, 0, result.stderr);
    t.is((await probe(join(dir, 'out.mp4'))).frames, 10);
  });
}
