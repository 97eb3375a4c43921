import test from 'ava';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../models/paths.js';
import { cli, cliPath, copyPipeline, exists, makeClip, probe, tempDir } from './helpers.js';

// Issue #17, faults a hostile user or a bad day brings: each case lost data or misbehaved before its fix.

const hash = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const clip = (async () => makeClip(join(tempDir(), 'clip.mp4'), { width: 64, height: 48, seconds: 0.4 }))(); // 10 frames

test('an output path equal to the input is refused before any work and the input is untouched (#17)', async (t) => {
  const dir = tempDir();
  const input = join(dir, 'night.mp4');
  copyFileSync(await clip, input);
  const before = hash(input);
  const result = await cli(['run', copyPipeline(dir), '--set', `input=${input}`, '--set', `output=${join(dir, '.', 'night.mp4')}`]);
  t.is(result.code, 2, result.stderr);
  t.regex(result.stderr, /--set output: node 'encode' \(sink\.file\): output .*night\.mp4 is the input .* of node 'decode'.*Fix: write the enhanced output to another file/);
  t.is(hash(input), before);
});

test('an output that is a symlink to the input is refused: the real paths are compared (#17)', async (t) => {
  const dir = tempDir();
  const input = join(dir, 'night.mp4');
  copyFileSync(await clip, input);
  const before = hash(input);
  symlinkSync(input, join(dir, 'enhanced.mp4'));
  const result = await cli(['run', copyPipeline(dir), '--set', `input=${input}`, '--set', `output=${join(dir, 'enhanced.mp4')}`]);
  t.is(result.code, 2, result.stderr);
  t.regex(result.stderr, /is the input/);
  t.is(hash(input), before);
});

test('a stills run whose output folder is the input folder, or inside it, is refused and every original is kept (#17)', async (t) => {
  const dir = tempDir();
  const photos = join(dir, 'photos');
  mkdirSync(photos);
  const { execFileSync } = await import('node:child_process');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=32x24', '-frames:v', '1', join(photos, 'a.png')]);
  const before = hash(join(photos, 'a.png'));
  for (const output of [photos, join(photos, 'enhanced')]) {
    const result = await cli(['run', join(projectRoot, 'pipelines', 'stills.yaml'), '--set', `input=${photos}`, '--set', `output=${output}`]);
    t.is(result.code, 2, result.stderr);
    t.regex(result.stderr, output === photos ? /is the input/ : /is inside the input folder/);
  }
  t.deepEqual(readdirSync(photos), ['a.png']);
  t.is(hash(join(photos, 'a.png')), before);
});

test('an output path that is an existing folder is refused before any frame is processed (#17)', async (t) => {
  const dir = tempDir();
  mkdirSync(join(dir, 'out.mp4'));
  const result = await cli(['run', copyPipeline(dir), '--set', `input=${await clip}`, '--set', `output=${join(dir, 'out.mp4')}`]);
  t.is(result.code, 4, result.stderr); // the output cannot be written
  t.regex(result.stderr, /output .*out\.mp4 is an existing folder\. Fix: name a file/);
  t.notRegex(result.stderr, /frame/);
});

test('a full disk that ffmpeg reports while exiting 0 fails the run and the previous output survives intact (#17)', async (t) => {
  const dir = tempDir();
  const output = join(dir, 'out.mp4');
  writeFileSync(output, 'the previous, complete output');
  copyFileSync(await clip, join(dir, 'in.mp4'));
  const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [cliPath, 'run', copyPipeline(dir), '--set', `output=${output}`], {
      cwd: dir,
      env: { ...process.env, KIND_PIPE_FFMPEG: join(projectRoot, 'test', 'fixtures', 'full-disk-ffmpeg.sh') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.once('close', (code) => resolve({ code, stderr }));
  });
  t.is(result.code, 4, result.stderr);
  t.regex(result.stderr, /encoding .*out\.mp4 failed \(ffmpeg reported a write error\)/);
  t.is(readFileSync(output, 'utf8'), 'the previous, complete output');
  t.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.')), [], 'no partial file left');
});

for (const name of ['-dark.mp4', 'cam:1.mp4']) {
  test(`a relative input named '${name}' is read as a file, not as an ffmpeg option or protocol (#17)`, async (t) => {
    const dir = tempDir();
    copyFileSync(await clip, join(dir, name));
    const result = await cli(['run', copyPipeline(dir), '--set', `input=${name}`, '--set', 'output=out.mp4'], { cwd: dir });
    t.is(result.code, 0, result.stderr);
    t.is((await probe(join(dir, 'out.mp4'))).frames, 10);
  });
}

test('stdout closed by its reader (`| true`) after a complete run gives no EPIPE stack trace and keeps the output (#17)', async (t) => {
  const dir = tempDir();
  const output = join(dir, 'out.mp4');
  const input = join(dir, 'in.mp4');
  copyFileSync(await clip, input);
  const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [cliPath, 'run', copyPipeline(dir), '--set', `input=${input}`, '--set', `output=${output}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the run prints the output path
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.once('close', (code) => resolve({ code, stderr }));
  });
  t.is(result.code, 0, result.stderr);
  t.notRegex(result.stderr, /EPIPE|at .*\.js:\d+/);
  t.is((await probe(output)).frames, 10);
});

test('a YAML alias bomb is refused with exit 2 naming the file, not a library stack trace (#17)', async (t) => {
  const dir = tempDir();
  const file = join(dir, 'bomb.yaml');
  const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)}]`);
  writeFileSync(file, `version: 1\n${levels.map((l) => `# ${l}`).join('\n')}\nbomb:\n${levels.map((l) => `  ${l}`).join('\n')}\nnodes: []\n`);
  const result = await cli(['validate', file]);
  t.is(result.code, 2, result.stderr);
  t.regex(result.stderr, /bomb\.yaml: YAML aliases expand too far/);
  t.notRegex(result.stderr, /at .*\.js:\d+/);
});

test('an inline plugin whose activate() never resolves fails the run naming it once the deadline fires, instead of exiting 0 (#17)', async (t) => {
  const dir = tempDir();
  writeFileSync(join(dir, 'p.yaml'), `version: 1
plugins:
  - { from: ${join(projectRoot, 'test', 'fixtures', 'plugins', 'hang-activate')}, host: inline }
nodes:
  - { id: decode, plugin: source.file, options: { path: ${await clip} } }
  - { id: hang, plugin: fixture.hang-activate, inputs: { video: decode } }
  - { id: encode, plugin: sink.file, inputs: { video: hang }, options: { path: ${join(dir, 'out.mp4')} } }
`);
  const result = await cli(['run', join(dir, 'p.yaml')]);
  t.not(result.code, 0, result.stderr);
  t.regex(result.stderr, /fixture-hang-activate/);
  t.regex(result.stderr, /activate\(\) did not finish within 10 s/);
  t.false(exists(join(dir, 'out.mp4')));
});

test('a hidden partial file left by a SIGKILLed run is removed by the next run of that output, which says so (#17)', async (t) => {
  const dir = tempDir();
  copyFileSync(await clip, join(dir, 'in.mp4'));
  const dead = await new Promise<number>((resolve) => {
    const child = spawn('true');
    child.once('exit', () => resolve(child.pid!));
  });
  const leftover = join(dir, `.out.partial-${dead}.mp4`);
  const unrelated = join(dir, `.other.partial-${dead}.mp4`);
  writeFileSync(leftover, 'half a file');
  writeFileSync(unrelated, 'another output\'s');
  const result = await cli(['run', copyPipeline(dir)], { cwd: dir });
  t.is(result.code, 0, result.stderr);
  t.false(exists(leftover));
  t.true(exists(unrelated), 'only this output\'s leftovers are touched');
  t.regex(result.stderr, new RegExp(`removed .*\\.out\\.partial-${dead}\\.mp4: a partial file left by an earlier run \\(pid ${dead}\\) that was killed`));
});

test('--no-clobber refuses an existing output before any work and leaves it as it was (#17)', async (t) => {
  const dir = tempDir();
  copyFileSync(await clip, join(dir, 'in.mp4'));
  writeFileSync(join(dir, 'out.mp4'), 'keep me');
  const refused = await cli(['run', copyPipeline(dir), '--no-clobber'], { cwd: dir });
  t.is(refused.code, 4, refused.stderr);
  t.regex(refused.stderr, /output out\.mp4 exists and --no-clobber was given/);
  t.is(readFileSync(join(dir, 'out.mp4'), 'utf8'), 'keep me');
  const replaced = await cli(['run', copyPipeline(dir)], { cwd: dir });
  t.is(replaced.code, 0, replaced.stderr);
  t.is((await probe(join(dir, 'out.mp4'))).frames, 10);
});

test('an interlaced input runs with a warning that names the field order and the fix (#17)', async (t) => {
  const dir = tempDir();
  const { execFileSync } = await import('node:child_process');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=25', '-t', '0.4', '-c:v', 'libx264', '-flags', '+ildct+ilme', '-x264-params', 'tff=1', '-pix_fmt', 'yuv420p', join(dir, 'in.mp4')]);
  const result = await cli(['run', copyPipeline(dir)], { cwd: dir });
  t.is(result.code, 0, result.stderr);
  t.regex(result.stderr, /in\.mp4 is interlaced \(field order tt\).*graph: yadif/);
});

test('a truncated input runs with a warning that says how many of the announced frames could be read (#17)', async (t) => {
  const dir = tempDir();
  const { execFileSync } = await import('node:child_process');
  const whole = join(dir, 'whole.mkv');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=25', '-t', '2', '-c:v', 'libx264', '-g', '5', '-pix_fmt', 'yuv420p', whole]);
  const bytes = readFileSync(whole);
  writeFileSync(join(dir, 'in.mkv'), bytes.subarray(0, Math.floor(bytes.length * 0.5)));
  const result = await cli(['run', copyPipeline(dir), '--set', 'input=in.mkv'], { cwd: dir });
  t.is(result.code, 0, result.stderr);
  const match = /in\.mkv: decoded (\d+) of the 50 frames its header announces; the file looks truncated/.exec(result.stderr);
  t.truthy(match, result.stderr);
  t.is((await probe(join(dir, 'out.mp4'))).frames, Number(match![1]), 'the output holds what could be read');
});

test('a model that outputs NaN fails the run naming the node, the frame and the fix, instead of writing black frames (#17)', async (t) => {
  const dir = tempDir();
  copyFileSync(await clip, join(dir, 'in.mp4'));
  writeFileSync(join(dir, 'nan.yaml'), `version: 1
nodes:
  - { id: decode, plugin: source.file, options: { path: in.mp4 } }
  - { id: enhance, plugin: model.image, inputs: { video: decode }, options: { path: ${join(projectRoot, 'test', 'fixtures', 'models', 'broken-nan.onnx')} } }
  - { id: encode, plugin: sink.file, inputs: { video: enhance }, options: { path: out.mp4, preset: ultrafast } }
`);
  const result = await cli(['run', join(dir, 'nan.yaml')], { cwd: dir });
  t.is(result.code, 1, result.stderr);
  t.regex(result.stderr, /model\.image 'enhance': the model gave 9216 of 9216 values NaN or infinite on frame 0\. Fix: check the ONNX file/);
  t.false(exists(join(dir, 'out.mp4')));
});

/** decode → the misbehave fixture plugin (fails at frame 3 as `fault` says) → encode to out.mp4, in `dir`. */
async function misbehaving(dir: string, o: { host: 'inline' | 'isolated'; timeout?: number; fault: string; worker?: boolean }): Promise<string> {
  const file = join(dir, 'p.yaml');
  writeFileSync(file, `version: 1
plugins:
  - { from: ${join(projectRoot, 'test', 'fixtures', 'plugins', 'misbehave')}, host: ${o.host}${o.timeout ? `, timeout: ${o.timeout}` : ''} }
nodes:
  - { id: decode, plugin: source.file, options: { path: ${await clip} } }
  - { id: bad, plugin: fixture.misbehave, inputs: { video: decode }, options: { fault: ${o.fault}, at: 3 }${o.worker ? ', worker: true' : ''} }
  - { id: encode, plugin: sink.file, inputs: { video: bad }, options: { path: ${join(dir, 'out.mp4')}, preset: ultrafast } }
`);
  return file;
}

test('an inline plugin that hangs in process() fails the run after its timeout, naming the plugin and the frame, and leaves no output (#17)', async (t) => {
  const dir = tempDir();
  const pipeline = await misbehaving(dir, { host: 'inline', timeout: 1, fault: 'hang' }); // the shared clip is made once, by whichever test asks first
  const started = Date.now();
  const result = await cli(['run', pipeline]);
  t.is(result.code, 1, result.stderr);
  t.regex(result.stderr, /plugin 'fixture-misbehave' \(node 'bad', stage 'fixture\.misbehave'\) did not return frame 3 within 1 s \(hung\)/);
  t.true(Date.now() - started < 20_000);
  t.deepEqual(readdirSync(dir), ['p.yaml'], 'no output, no partial file');
});

test('SIGTERM stops a run whose stage never returns within the stated deadline, exit 130 (#17)', async (t) => {
  const dir = tempDir();
  let signalled = 0;
  const result = await cli(['run', await misbehaving(dir, { host: 'inline', timeout: 600, fault: 'hang' })], {
    onStderr: (text, kill) => {
      if (!signalled && text.includes("fault 'hang' at frame 3")) {
        signalled = Date.now();
        kill('SIGTERM');
      }
    },
  });
  t.true(signalled > 0, result.stderr);
  t.is(result.code, 130, result.stderr);
  const took = (Date.now() - signalled) / 1000;
  t.true(took < 15 + 5, `stopped ${took.toFixed(1)} s after SIGTERM (deadline 15 s)`);
  t.false(exists(join(dir, 'out.mp4')));
});

test('a plugin that calls process.exit fails the run with exit 1 naming it, inline, on a worker thread or isolated, and leaves no output (#17)', async (t) => {
  const cases = [
    { host: 'inline' as const, worker: false, message: /plugin 'fixture-misbehave' called process\.exit\(3\), which would end kind-pipe in the middle of the run\. Fix: throw an Error/ },
    { host: 'inline' as const, worker: true, message: /plugin 'fixture-misbehave' \(node 'bad', stage 'fixture\.misbehave'\) failed on frame 3: .*worker thread exited \(code 3\)/ },
    { host: 'isolated' as const, worker: false, message: /plugin 'fixture-misbehave' \(node 'bad', stage 'fixture\.misbehave'\) failed on frame 3: crashed: its host process .* exited with code 3/ },
  ];
  for (const c of cases) {
    const dir = tempDir();
    const result = await cli(['run', await misbehaving(dir, { host: c.host, fault: 'exit', worker: c.worker })]);
    t.is(result.code, 1, `${c.host}${c.worker ? ' worker' : ''}: ${result.stderr}`);
    t.regex(result.stderr, c.message);
    t.deepEqual(readdirSync(dir), ['p.yaml'], 'no output, no partial file');
  }
});

test('input and output names that look like an option, a protocol or hold spaces and accents are read as files (#17)', async (t) => {
  const dir = tempDir();
  for (const [input, output] of [['-night.mp4', '-out.mp4'], ['cam:1.mp4', 'cam:1-enhanced.mp4'], ['nächt 1.mp4', 'enhanced é 1.mp4']]) {
    copyFileSync(await clip, join(dir, input));
    const result = await cli(['run', copyPipeline(dir), '--set', `input=${input}`, '--set', `output=${output}`], { cwd: dir }); // relative, as a user types them
    t.is(result.code, 0, `${input}: ${result.stderr}`);
    t.is((await probe(join(dir, output))).frames, 10, output);
  }
  t.is(hash(join(dir, '-night.mp4')), hash(await clip), 'the inputs are untouched');
});
