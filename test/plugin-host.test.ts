import test from 'ava';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../models/paths.js';
import { cli, makeClip, probe, tempDir } from './helpers.js';

/** Issue #5: external plugins, inline and isolated, and what each kind of misbehaviour gives. */
const fixtures = join(projectRoot, 'test', 'fixtures', 'plugins');
const clip = (async () => makeClip(join(tempDir(), 'in.mp4'), { width: 64, height: 48, seconds: 0.48 }))(); // 12 frames

interface Setup {
  host: 'inline' | 'isolated';
  policy?: 'fail' | 'restart';
  fault?: string;
  once?: boolean;
  worker?: boolean;
  plugin?: string;
}

/** source.file → fixture.misbehave → sink.file, in a fresh folder; returns the CLI result and the output path. */
async function runFixture(s: Setup) {
  const dir = tempDir();
  const output = join(dir, 'out.mp4');
  const plugin = s.plugin ?? 'misbehave';
  const options = [`fault: ${s.fault ?? 'none'}`, ...(s.once ? [`once: ${join(dir, 'marker')}`] : [])].join(', ');
  writeFileSync(
    join(dir, 'p.yaml'),
    `version: 1
plugins:
  - { from: ${join(fixtures, plugin)}, host: ${s.host}, policy: ${s.policy ?? 'fail'}, timeout: 1 }
nodes:
  - { id: decode, plugin: source.file, options: { path: ${await clip} } }
  - id: bad
    plugin: fixture.${plugin}
    inputs: { video: decode }
    options: { ${plugin === 'misbehave' ? options : ''} }${s.worker ? '\n    worker: true' : ''}
  - { id: encode, plugin: sink.file, inputs: { video: bad }, options: { path: ${output}, preset: ultrafast } }
`,
  );
  return { result: await cli(['run', join(dir, 'p.yaml')]), output };
}

for (const host of ['inline', 'isolated'] as const) {
  test(`${host === 'inline' ? 'an' : 'a'} ${host} external stage passes every frame through`, async (t) => {
    const { result, output } = await runFixture({ host });
    t.is(result.code, 0, result.stderr);
    t.is((await probe(output)).frames, 12);
  });

  test(`${host === 'inline' ? 'an' : 'a'} ${host} plugin that throws in process on frame 7 fails the run naming the plugin and the frame`, async (t) => {
    const { result } = await runFixture({ host, fault: 'throw' });
    t.is(result.code, 1);
    t.regex(result.stderr, /plugin 'fixture-misbehave' \(node 'bad', stage 'fixture\.misbehave'\) failed on frame 7: deliberate failure on frame 7/);
  });

  test(`${host === 'inline' ? 'an' : 'a'} ${host} plugin that returns a frame of the wrong size fails the run at that frame`, async (t) => {
    const { result } = await runFixture({ host, fault: 'wrong-size' });
    t.is(result.code, 1);
    t.regex(result.stderr, /plugin 'fixture-misbehave' .* returned a wrong frame 7 on 'video': it is 8×8×3 bytes.*negotiated video rgb24 64×48/);
  });

  test(`${host === 'inline' ? 'an' : 'a'} ${host} plugin whose activate() throws fails the run before any input is opened`, async (t) => {
    const { result } = await runFixture({ host, plugin: 'bad-activate' });
    t.is(result.code, 1);
    t.regex(result.stderr, /plugin 'fixture-bad-activate' failed to activate: activate\(\) threw: cannot open model weights\.onnx/);
    t.notRegex(result.stderr, /frames/);
  });
}

test('an inline external stage on a worker thread imports its module there', async (t) => {
  const { result, output } = await runFixture({ host: 'inline', worker: true });
  t.is(result.code, 0, result.stderr);
  t.is((await probe(output)).frames, 12);
  const failing = await runFixture({ host: 'inline', worker: true, fault: 'throw' });
  t.regex(failing.result.stderr, /plugin 'fixture-misbehave' .* failed on frame 7: deliberate failure/);
});

test('an isolated plugin that exits is reported as a crash with its exit code and last stderr lines', async (t) => {
  const { result } = await runFixture({ host: 'isolated', fault: 'exit' });
  t.is(result.code, 1);
  t.regex(result.stderr, /plugin 'fixture-misbehave' .* failed on frame 7: crashed: its host process \[fixture-misbehave: \d+\] exited with code 3/);
  t.regex(result.stderr, /Last stderr lines:\n\s+fixture\.misbehave: fault 'exit' at frame 7/);
});

test('an isolated plugin killed by SIGKILL (as by the OOM killer) is reported as such', async (t) => {
  const { result } = await runFixture({ host: 'isolated', fault: 'kill' });
  t.is(result.code, 1);
  t.regex(result.stderr, /failed on frame 7: crashed: .* was killed by SIGKILL \(out of memory/);
});

test('an isolated plugin that dies of an uncaught exception is reported with the stack from its stderr', async (t) => {
  const { result } = await runFixture({ host: 'isolated', fault: 'uncaught' });
  t.is(result.code, 1);
  t.regex(result.stderr, /failed on frame 7: crashed: its host process \[fixture-misbehave: \d+\] died of an uncaught exception \(exit code 70\)/);
  t.regex(result.stderr, /uncaught exception: Error: asynchronous failure nobody awaited/);
});

test('an isolated plugin that hangs is reported unresponsive after its timeout', async (t) => {
  const { result } = await runFixture({ host: 'isolated', fault: 'hang' });
  t.is(result.code, 1);
  t.regex(result.stderr, /plugin 'fixture-misbehave' .* failed on frame 7: did not answer within 1 s \(unresponsive\)/);
});

for (const fault of ['exit', 'kill', 'hang']) {
  test(`with policy restart, a plugin that fails once (${fault}) is restarted and every frame comes out`, async (t) => {
    const { result, output } = await runFixture({ host: 'isolated', policy: 'restart', fault, once: true });
    t.is(result.code, 0, result.stderr);
    t.regex(result.stderr, /restarting it \(1 of 3\) and retrying frame 7/);
    t.is((await probe(output)).frames, 12);
  });
}

test('with policy restart, a plugin that crashes every time fails after 3 restarts', async (t) => {
  const { result } = await runFixture({ host: 'isolated', policy: 'restart', fault: 'exit' });
  t.is(result.code, 1);
  t.regex(result.stderr, /failed on frame 7 after 3 restarts: crashed/);
});

test('plugins --pipeline lists discovered plugins; a bad manifest is reported naming plugin and field', async (t) => {
  const dir = tempDir();
  mkdirSync(join(dir, 'broken'));
  writeFileSync(join(dir, 'broken', 'package.json'), JSON.stringify({ name: 'acme-broken', type: 'module', kindPipe: { contributes: { stages: ['acme.x'] }, host: 'isolate' } }));
  writeFileSync(join(dir, 'p.yaml'), `plugins: [ ${join(fixtures, 'misbehave')}, ./broken ]\nnodes: [ { id: a, plugin: source.file } ]\n`);
  const result = await cli(['plugins', '--pipeline', join(dir, 'p.yaml')]);
  t.is(result.code, 2);
  t.regex(result.stdout, /^normalize\s/m);
  t.regex(result.stdout, /^fixture\.misbehave\s+stage\s+passthrough.*\n\s+plugin fixture-misbehave \(pipeline: .*\), host inline/m);
  t.regex(result.stderr, /acme-broken: kindPipe\.host: "isolate" is not allowed; did you mean 'isolated'\?/);
});
