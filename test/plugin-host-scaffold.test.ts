import test from 'ava';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../models/paths.js';
import { cli, makeClip, meanLuma, probe, tempDir } from './helpers.js';

const run = promisify(execFile);

/** Issue #5 "done when": a plugin made by `kind-pipe plugin new demo` works without edits, inline and isolated. */
test('plugin new demo scaffolds a TypeScript plugin that type-checks and runs inline and isolated', async (t) => {
  const dir = tempDir();
  const made = await cli(['plugin', 'new', 'demo'], { cwd: dir });
  t.is(made.code, 0, made.stderr);
  t.regex(made.stdout, /created src\/gain\.ts/);
  const again = await cli(['plugin', 'new', 'demo'], { cwd: dir });
  t.is(again.code, 2);
  t.regex(again.stderr, /already exists/);

  await run(process.execPath, [join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'demo'), '--noEmit', '--typeRoots', join(projectRoot, 'node_modules', '@types')]);

  const input = await makeClip(join(dir, 'in.mp4'), { width: 64, height: 48, seconds: 0.32 });
  for (const host of ['inline', 'isolated']) {
    const output = join(dir, `out-${host}.mp4`);
    writeFileSync(
      join(dir, `${host}.yaml`),
      `version: 1
plugins:
  - { from: ./demo, host: ${host} }
nodes:
  - { id: decode, plugin: source.file, options: { path: in.mp4 } }
  - { id: brighten, plugin: demo.gain, inputs: { video: decode }, options: { gain: 2 } }
  - { id: encode, plugin: sink.file, inputs: { video: brighten }, options: { path: out-${host}.mp4, preset: ultrafast } }
`,
    );
    const result = await cli(['run', `${host}.yaml`], { cwd: dir });
    t.is(result.code, 0, result.stderr);
    t.is((await probe(output)).frames, 8, host);
    t.true((await meanLuma(output)) > 1.5 * (await meanLuma(input)), `${host}: brighter`);
  }
  const listed = await cli(['plugins', '--pipeline', 'inline.yaml'], { cwd: dir });
  t.regex(listed.stdout, /^demo\.gain\s+stage\s+brightness gain/m);
});
