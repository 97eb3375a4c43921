import test from 'ava';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../models/paths.js';
import { cli, makeClip, tempDir } from './helpers.js';

const fixtures = join(projectRoot, 'test', 'fixtures', 'plugins');
const examples = join(projectRoot, 'examples', 'plugins');

test('a plugin whose code registers a different contract than its manifest declares fails to activate, naming both, before any frame', async (t) => {
  const dir = tempDir();
  const clip = await makeClip(join(dir, 'in.mp4'), { width: 64, height: 48, seconds: 0.2 });
  const output = join(dir, 'out.mp4');
  writeFileSync(
    join(dir, 'p.yaml'),
    `version: 1
plugins: [ ${join(fixtures, 'contract-drift')} ]
nodes:
  - { id: decode, plugin: source.file, options: { path: ${clip} } }
  - { id: drift, plugin: fixture.drift, inputs: { video: decode } }
  - { id: encode, plugin: sink.file, inputs: { video: drift }, options: { path: ${output} } }
`,
  );
  const result = await cli(['run', join(dir, 'p.yaml')]);
  t.is(result.code, 1);
  t.regex(result.stderr, /plugin 'fixture-contract-drift' failed to activate: its code does not match its package\.json/);
  t.regex(result.stderr, /kindPipe\.contributes\.stages\[0\] \(fixture\.drift\) options\.strength: the manifest declares it but the code does not register it/);
  t.regex(result.stderr, /options\.gain: the code registers it but the manifest does not declare it/);
  t.false(existsSync(output));
});

test('plugins --pipeline shows a plugin\'s declared caps and options without running its code', async (t) => {
  const dir = tempDir();
  writeFileSync(join(dir, 'p.yaml'), `version: 1\nplugins: [ ${join(examples, 'gamma')} ]\nnodes:\n  - { id: a, plugin: source.images, options: { path: . } }\n  - { id: b, plugin: sink.images, inputs: { video: a }, options: { path: out } }\n`);
  const result = await cli(['plugins', '--pipeline', join(dir, 'p.yaml')]);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /example\.gamma .*\n.*activates on first use\n\s+in \(video: video rgb24\) → out \(video: video rgb24\)\n\s+options: gamma \(number, in \[0\.1, 10\], default 2\.2\)/);
});
