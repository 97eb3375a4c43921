import test from 'ava';
import { cli } from './helpers.js';

test('plugins lists every built-in plugin with its caps and options', async (t) => {
  const result = await cli(['plugins']);
  t.is(result.code, 0, result.stderr);
  for (const id of ['source.file', 'source.images', 'normalize', 'kind.decom', 'kind.restore', 'kind.illumination', 'kind.fuse', 'sink.file', 'sink.images']) {
    t.regex(result.stdout, new RegExp(`^${id.replace('.', '\\.')}\\s`, 'm'));
  }
  t.regex(result.stdout, /in \(image: tensor f32\[1,3,H,W\]\) → out \(reflectance: tensor f32\[1,3,H,W\], illumination: tensor f32\[1,1,H,W\]\)/);
  const json = JSON.parse((await cli(['plugins', '--json'])).stdout);
  t.is(json.find((p: { id: string }) => p.id === 'sink.file').options.crf.max, 51);
});

test('describe shows options with type, range and default, and a runnable example', async (t) => {
  const result = await cli(['describe', 'kind.illumination']);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /ratio\s+number, in \[0\.5, 20\], default 2/);
  t.regex(result.stdout, /mode\s+string, one of ratio \| auto \| learned, default "ratio"/);
  t.regex(result.stdout, /example node:\n {2}- id: my-illumination\n {4}plugin: kind\.illumination/);
  const unknown = await cli(['describe', 'kind.ilumination']);
  t.is(unknown.code, 2);
  t.regex(unknown.stderr, /did you mean 'kind\.illumination'\?/);
});

test('models lists kind and kind-lite with their networks, training state and hashes', async (t) => {
  const result = await cli(['models']);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /^kind\s/m);
  t.regex(result.stdout, /^kind-lite\s/m);
  t.regex(result.stdout, /decom\s+(trained \d+ steps, [\d.]+ min|untrained)\s+sha256 [0-9a-f]{12}/);
});
