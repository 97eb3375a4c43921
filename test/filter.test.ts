import test from 'ava';
import { execFile, spawn, type StdioOptions } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../models/paths.js';
import { cli, cliPath, meanLuma, probe, tempDir } from './helpers.js';

// Issue #10: kind-pipe as a y4m filter between ffmpeg, x264 or vspipe processes.

const run = promisify(execFile);
const lite = ['decom', 'restore', 'illum'].flatMap((node) => ['--set', `${node}.model=kind-lite`]);
const q = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
const kindPipe = `${q(process.execPath)} ${q(cliPath)}`;

interface ClipOptions {
  size: string;
  seconds: number;
  rate?: string;
  audio?: boolean;
  pixFmt?: string;
}

/** A dark, noisy H.264 clip: a moving test pattern with temporal noise, optionally with a tone. */
async function clip(file: string, o: ClipOptions): Promise<string> {
  const video = `testsrc2=size=${o.size}:rate=${o.rate ?? 25},format=yuv444p,eq=brightness=-0.3:contrast=0.5,noise=alls=10:allf=t`;
  const args = ['-v', 'error', '-y', '-f', 'lavfi', '-i', video];
  if (o.audio) args.push('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000');
  args.push('-t', String(o.seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', o.pixFmt ?? 'yuv420p');
  if (o.audio) args.push('-c:a', 'aac', '-shortest');
  await run('ffmpeg', [...args, file]);
  return file;
}

/** A y4m file straight from lavfi, in any pixel format ffmpeg writes to y4m. */
async function y4m(file: string, pixFmt: string, options: { size?: string; frames?: number; vf?: string } = {}): Promise<string> {
  const source = `testsrc2=size=${options.size ?? '96x64'},hue=s=0.6,noise=alls=10:allf=t,format=${pixFmt}`;
  const vf = options.vf ? ['-vf', options.vf] : [];
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', source, ...vf, '-frames:v', String(options.frames ?? 3), '-strict', '-1', '-f', 'yuv4mpegpipe', file]);
  return file;
}

/** decode → encode only: the filter runs no stage, so the tests are about y4m I/O alone. */
function copyPipeline(dir: string): string {
  const file = join(dir, 'copy.yaml');
  writeFileSync(file, 'version: 1\nnodes:\n  - { id: decode, plugin: source.file, options: { path: in.mp4 } }\n  - { id: encode, plugin: sink.file, inputs: { video: decode }, options: { path: out.mp4 } }\n');
  return file;
}

interface Result {
  code: number | null;
  stdout: Buffer;
  stderr: string;
  ms: number;
}

/** `bash -c script`, killed after `limitMs` so that a hang fails the test instead of stalling it. */
function sh(script: string, limitMs = 60_000): Promise<Result> {
  return spawnFor('bash', ['-c', script], ['ignore', 'pipe', 'pipe'], limitMs);
}

/** `kind-pipe filter ARGS` with stdin from a file (or nothing) and stdout collected. */
function filter(args: string[], stdin: string | 'empty', limitMs = 60_000): Promise<Result> {
  const fd = openSync(stdin === 'empty' ? '/dev/null' : stdin, 'r');
  return spawnFor(process.execPath, [cliPath, 'filter', ...args], [fd, 'pipe', 'pipe'], limitMs).finally(() => closeSync(fd));
}

function spawnFor(command: string, args: string[], stdio: StdioOptions, limitMs: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: projectRoot, stdio });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr, ms: performance.now() - started });
    });
  });
}

function headerOf(data: Buffer): string {
  return data.subarray(0, data.indexOf(10)).toString('latin1');
}

async function pixFmt(file: string): Promise<string> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=pix_fmt', '-of', 'csv=p=0', file]);
  return stdout.trim();
}

/** Mean PSNR (dB) of b against a over all planes, by ffmpeg's psnr filter. */
async function psnr(a: string, b: string): Promise<number> {
  const { stderr } = await run('ffmpeg', ['-i', a, '-i', b, '-lavfi', '[0][1]psnr', '-f', 'null', '-']);
  const average = /PSNR .*average:(\S+)/.exec(stderr)?.[1];
  return average === 'inf' ? Infinity : Number(average);
}

/** The issue's recipe, word for word but for the tiny models and quiet ffmpegs. */
function recipe(cam: string, out: string, dir: string, extra = ''): string {
  return (
    `set -o pipefail; ffmpeg -v error -i ${q(cam)} -f yuv4mpegpipe - ` +
    `| ${kindPipe} filter pipelines/cctv-night.yaml ${lite.join(' ')} ${extra} 2> ${q(join(dir, 'filter.log'))} ` +
    `| ffmpeg -v error -i - -i ${q(cam)} -map 0:v -map '1:a?' -c:a copy ${q(out)}`
  );
}

test('ffmpeg decode | kind-pipe filter cctv-night.yaml | ffmpeg encode keeps frame count, rate, size and audio, and brightens', async (t) => {
  const dir = tempDir();
  const cam = await clip(join(dir, 'cam.mp4'), { size: '64x48', rate: '30000/1001', seconds: 1, audio: true });
  const out = join(dir, 'cam-enhanced.mp4');
  const result = await sh(recipe(cam, out, dir));
  const log = readFileSync(join(dir, 'filter.log'), 'utf8');
  t.is(result.code, 0, log + result.stderr);
  const [before, after] = [await probe(cam), await probe(out)];
  t.is(before.frames, 30);
  t.is(after.frames, before.frames);
  t.deepEqual([after.width, after.height], [64, 48]);
  t.true(Math.abs(after.fps - 30000 / 1001) < 0.001, `fps ${after.fps}`);
  t.true(after.hasAudio, 'the audio came through the second input');
  const [lumaIn, lumaOut] = [await meanLuma(cam), await meanLuma(out)];
  t.true(lumaOut > lumaIn + 5, `mean luma ${lumaOut.toFixed(1)} should exceed ${lumaIn.toFixed(1)}`);
  t.regex(log, /stdin: y4m 64×48 C420mpeg2 F30000:1001 Ip, BT\.601 limited range/);
  t.regex(log, /done: 30 frames/);
});

for (const variant of [
  { name: '322×182 4:2:0', size: '322x182', pixFmt: 'yuv420p', chroma: 'C420mpeg2' },
  { name: 'odd-sized 321×181 4:4:4', size: '321x181', pixFmt: 'yuv444p', chroma: 'C444' },
]) {
  test(`the ffmpeg | filter | ffmpeg recipe at ${variant.name} keeps size, frame count, rate and chroma, and brightens`, async (t) => {
    const dir = tempDir();
    const cam = await clip(join(dir, 'cam.mp4'), { size: variant.size, seconds: 0.4, pixFmt: variant.pixFmt });
    const out = join(dir, 'out.mp4');
    const result = await sh(recipe(cam, out, dir));
    const log = readFileSync(join(dir, 'filter.log'), 'utf8');
    t.is(result.code, 0, log + result.stderr);
    const after = await probe(out);
    t.deepEqual([after.width, after.height, after.frames], [...variant.size.split('x').map(Number), 10]);
    t.true(Math.abs(after.fps - 25) < 0.001, `fps ${after.fps}`);
    t.is(await pixFmt(out), variant.pixFmt);
    t.true(log.includes(` ${variant.chroma} F25:1`), log);
    t.true((await meanLuma(out)) > (await meanLuma(cam)));
  });
}

for (const [pixFmt, tag] of [
  ['yuv420p', 'C420jpeg'],
  ['yuvj420p', 'C420jpeg XYSCSS=420JPEG XCOLORRANGE=FULL'],
  ['yuv411p', 'C411'],
  ['yuv422p', 'C422'],
  ['yuv444p', 'C444'],
  ['gray', 'Cmono'],
  ['yuv420p10le', 'C420p10'],
  ['yuv444p12le', 'C444p12'],
  ['gray16le', 'Cmono16'],
]) {
  test(`filter with no stages passes ${pixFmt} y4m through: same header (${tag}), same length, ≥ 44 dB`, async (t) => {
    const dir = tempDir();
    const input = await y4m(join(dir, 'in.y4m'), pixFmt);
    const result = await filter([copyPipeline(dir)], input);
    t.is(result.code, 0, result.stderr);
    const output = join(dir, 'out.y4m');
    writeFileSync(output, result.stdout);
    const original = readFileSync(input);
    t.is(headerOf(result.stdout), headerOf(original));
    t.true(headerOf(result.stdout).includes(` ${tag}`), headerOf(result.stdout));
    t.is(result.stdout.length, original.length, 'nothing but the y4m stream on stdout');
    const db = await psnr(input, output);
    t.true(db >= 44, `${db} dB`);
  });
}

test('filter refuses interlaced y4m, saying how to deinterlace, unless the source is told to process it as it is', async (t) => {
  const dir = tempDir();
  const input = await y4m(join(dir, 'tff.y4m'), 'yuv420p', { vf: 'setfield=tff' });
  t.regex(headerOf(readFileSync(input)), / It /);
  const refused = await filter([copyPipeline(dir)], input);
  t.is(refused.code, 3);
  t.regex(refused.stderr, /stdin: the y4m header says It \(interlaced, top field first\).*Fix: deinterlace before the pipe \(ffmpeg -i in\.mp4 -vf bwdif -f yuv4mpegpipe -\), or set interlaced: progressive on 'decode'/);
  t.is(refused.stdout.length, 0);
  const accepted = await filter([copyPipeline(dir), '--set', 'decode.interlaced=progressive'], input);
  t.is(accepted.code, 0, accepted.stderr);
  t.regex(headerOf(accepted.stdout), / It /, 'the output keeps the interlacing flag');
});

test('filter --set reaches the y4m sink (chroma, range) and refuses input=/output=', async (t) => {
  const dir = tempDir();
  const input = await y4m(join(dir, 'in.y4m'), 'yuv420p', { frames: 2 });
  const result = await filter([copyPipeline(dir), '--set', 'encode.chroma=444', '--set', 'encode.range=full'], input);
  t.is(result.code, 0, result.stderr);
  t.is(headerOf(result.stdout), 'YUV4MPEG2 W96 H64 F25:1 Ip A1:1 C444 XYSCSS=444 XCOLORRANGE=FULL');
  t.is(result.stdout.length, headerOf(result.stdout).length + 1 + 2 * (6 + 96 * 64 * 3));
  const misuse = await filter([copyPipeline(dir), '--set', 'output=x.y4m'], input);
  t.is(misuse.code, 2);
  t.regex(misuse.stderr, /--set output=x\.y4m: kind-pipe filter reads stdin and writes stdout, so there is no input or output path to set/);
});

const header = 'YUV4MPEG2 W64 H48 F25:1 Ip A1:1 C420jpeg\n';
const frame = Buffer.concat([Buffer.from('FRAME\n'), Buffer.alloc(64 * 48 * 1.5, 100)]);
const frame2 = header.length + 2 * frame.length;
const badInputs: { name: string; bytes: () => Promise<Buffer | 'empty'>; says: RegExp; maxFramesOut?: number }[] = [
  {
    name: 'a stream that is not y4m (an mp4)',
    bytes: async () => readFileSync(await clip(join(tempDir(), 'cam.mp4'), { size: '64x48', seconds: 0.2 })),
    says: /kind-pipe: stdin: not a YUV4MPEG2 stream: it starts with "\\x00\\x00\\x00[^"]*ftyp[^"]*" where "YUV4MPEG2 " was expected \(byte 0\)\. Fix: feed it y4m, e\.g\. ffmpeg -i in\.mp4 -f yuv4mpegpipe -/,
  },
  { name: 'a truncated header', bytes: async () => Buffer.from('YUV4MPEG2 W64 H48 F25'), says: /kind-pipe: stdin: the YUV4MPEG2 header is truncated: the stream ended at byte 21 before the header's end of line/ },
  { name: 'an unknown chroma tag', bytes: async () => Buffer.from('YUV4MPEG2 W64 H48 F25:1 C420xyz\n'), says: /kind-pipe: stdin: YUV4MPEG2 header, byte 24: field "C420xyz": unknown chroma tag '420xyz'\. Known: 420jpeg/ },
  {
    name: 'a frame shorter than the header promises',
    bytes: async () => Buffer.concat([Buffer.from(header), frame, frame, frame.subarray(0, 1000)]),
    says: new RegExp(`kind-pipe: stdin: frame 2 \\(starting at byte ${frame2}\\) is shorter than the header promises: the stream ended at byte ${frame2 + 1000}, after 994 of its 4608 bytes of picture data`),
    maxFramesOut: 2,
  },
  { name: 'a zero-byte stream', bytes: async () => 'empty', says: /kind-pipe: stdin: the stream is empty \(0 bytes\); expected a YUV4MPEG2 header/ },
];
for (const bad of badInputs) {
  test(`filter on ${bad.name} exits 3 naming what and where, and writes nothing further to stdout`, async (t) => {
    const dir = tempDir();
    const bytes = await bad.bytes();
    const input = join(dir, 'in.y4m');
    if (bytes !== 'empty') writeFileSync(input, bytes);
    const result = await filter([copyPipeline(dir)], bytes === 'empty' ? 'empty' : input);
    t.is(result.code, 3, result.stderr);
    t.regex(result.stderr, bad.says);
    t.false(/\n\s+at /.test(result.stderr), 'no stack trace');
    if (!bad.maxFramesOut) {
      t.is(result.stdout.length, 0);
      return;
    }
    // Whole frames only, never a partial one, and none past the bad one.
    const frames = (result.stdout.length - headerOf(result.stdout).length - 1) / frame.length;
    t.true(result.stdout.length === 0 || (Number.isInteger(frames) && frames <= bad.maxFramesOut), `${result.stdout.length} bytes`);
  });
}

test('a consumer that exits early (head -c) ends the filter at once with exit 5 and one line', async (t) => {
  const dir = tempDir();
  const script =
    `ffmpeg -v error -f lavfi -i testsrc2=size=160x96:rate=25 -t 120 -f yuv4mpegpipe - 2>/dev/null ` +
    `| ${kindPipe} filter ${q(copyPipeline(dir))} 2> ${q(join(dir, 'err'))} | head -c 100000 > /dev/null; echo "\${PIPESTATUS[*]}"`;
  const result = await sh(script, 30_000);
  t.is(result.stdout.toString().trim().split(' ')[1], '5', result.stdout.toString());
  const err = readFileSync(join(dir, 'err'), 'utf8');
  t.regex(err, /^kind-pipe: stdout: the reader closed the pipe after \d+ frames \(broken pipe\); stopped$/m);
  t.is(err.split('\n').filter((line) => line.startsWith('kind-pipe:')).length, 1);
  t.false(/\n\s+at /.test(err), 'no stack trace');
  // Not a timing check: the count shows the run stopped at the close instead of draining 3000 frames.
  const delivered = Number(/after (\d+) frames/.exec(err)?.[1]);
  t.true(delivered < 1000, `stopped after ${delivered} of the 3000 frames offered`);
  t.log(`ended after ${Math.round(result.ms)} ms: ${err.trim()}`);
});

test('a consumer killed mid-stream ends a run with its stages on worker threads promptly, with exit 5', async (t) => {
  const dir = tempDir();
  const pidFile = join(dir, 'consumer.pid');
  const script =
    `ffmpeg -v error -f lavfi -i testsrc2=size=64x48:rate=25 -t 120 -f yuv4mpegpipe - 2>/dev/null ` +
    `| ${kindPipe} filter pipelines/cctv-night.yaml ${lite.join(' ')} --log json 2> ${q(join(dir, 'err'))} ` +
    `| (echo $BASHPID > ${q(pidFile)}; exec ffmpeg -v error -i - -f null -); echo "\${PIPESTATUS[*]}"`;
  const pipeline = sh(script, 60_000);
  // Wait until frames flow through the networks (the first progress event), then kill the consumer.
  const started = performance.now();
  while (!(existsSync(pidFile) && existsSync(join(dir, 'err')) && readFileSync(join(dir, 'err'), 'utf8').includes('"event":"progress"'))) {
    if (performance.now() - started > 30_000) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 500));
  const killedAt = performance.now();
  process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
  const result = await pipeline;
  const err = readFileSync(join(dir, 'err'), 'utf8');
  t.is(result.stdout.toString().trim().split(' ')[1], '5', `${result.stdout}\n${err}`);
  t.regex(err, /kind-pipe: stdout: the reader closed the pipe after \d+ frames \(broken pipe\); stopped\n?$/);
  t.false(/\n\s+at /.test(err), 'no stack trace');
  t.true(performance.now() - killedAt < 30_000, `ended ${Math.round(performance.now() - killedAt)} ms after the kill (a hang guard, not a timing target)`);
  t.log(`ended ${Math.round(performance.now() - killedAt)} ms after the kill: ${err.trim().split('\n').pop()}`);
});

test('a consumer that stops reading stalls the filter: it takes only a bounded number of frames, then delivers them all', async (t) => {
  const dir = tempDir();
  const [width, height] = [640, 360];
  const frameBytes = 6 + width * height * 1.5;
  const child = spawn(process.execPath, [cliPath, 'filter', copyPipeline(dir)], { cwd: projectRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.pause(); // a consumer that reads nothing
  const write = (data: Buffer) => new Promise<void>((resolve, reject) => child.stdin.write(data, (e) => (e ? reject(e) : resolve())));
  const picture = Buffer.concat([Buffer.from('FRAME\n'), Buffer.alloc(width * height * 1.5, 90)]);
  await write(Buffer.from(`YUV4MPEG2 W${width} H${height} F25:1 Ip A1:1 C420jpeg\n`));
  let accepted = 0;
  const until = performance.now() + 2500;
  let stalled = false;
  while (performance.now() < until && accepted < 400) {
    const done = write(picture).then(() => true);
    const wait = new Promise<false>((r) => setTimeout(() => r(false), Math.max(0, until - performance.now())));
    if (!(await Promise.race([done, wait]))) {
      stalled = true;
      break;
    }
    accepted++;
  }
  t.true(stalled, `the filter took all ${accepted} frames offered without a reader`);
  t.log(`took ${accepted} frames of ${width}×${height} with nobody reading, then stalled`);
  // Pipe buffers (~1 frame each way), the 4-frame queue and a frame in each node: never the clip.
  t.true(accepted <= 20, `accepted ${accepted} frames (${((accepted * frameBytes) / 1e6).toFixed(0)} MB) with nobody reading`);
  const out: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stdout.resume();
  child.stdin.end();
  const code = await new Promise<number | null>((r) => child.once('close', r));
  t.is(code, 0, stderr);
  const total = Buffer.concat(out).length;
  const frames = (total - headerOf(Buffer.concat(out)).length - 1) / frameBytes;
  t.true(frames >= accepted && Number.isInteger(frames), `${frames} frames out, ${accepted} accepted`);
});

test('run with source.y4m and sink.y4m files converts, knows the frame count from the file size, and stdout (-) gets only y4m', async (t) => {
  const dir = tempDir();
  const input = await y4m(join(dir, 'in.y4m'), 'yuv422p', { size: '66x33', frames: 4 });
  const file = join(dir, 'y4m.yaml');
  writeFileSync(file, `version: 1\nnodes:\n  - { id: read, plugin: source.y4m, options: { path: ${q(input)} } }\n  - { id: write, plugin: sink.y4m, inputs: { video: read }, options: { path: out.y4m } }\n`);
  const output = join(dir, 'out.y4m');
  const toFile = await cli(['run', file, '--log', 'json', '--set', `output=${output}`]);
  t.is(toFile.code, 0, toFile.stderr);
  t.is(toFile.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).find((e) => e.event === 'progress')?.total, 4);
  t.is(statSync(output).size, statSync(input).size);
  t.true((await psnr(input, output)) >= 44);
  const toStdout = await spawnFor(process.execPath, [cliPath, 'run', file, '--set', 'output=-'], ['ignore', 'pipe', 'pipe'], 60_000);
  t.is(toStdout.code, 0, toStdout.stderr);
  t.true(headerOf(toStdout.stdout).startsWith('YUV4MPEG2 W66 H33 F25:1 Ip A1:1 C422'), 'the output path is not printed into the stream');
  t.is(toStdout.stdout.length, statSync(input).size);
});
