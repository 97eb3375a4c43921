import test from 'ava';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { VideoCaps } from '../core/caps.js';
import type { Frame } from '../core/frame.js';
import { silentLogger } from '../core/logger.js';
import { resolveOptions, type OptionsSchema } from '../core/options.js';
import type { Sink, Source } from '../core/stage/plugin.js';
import { projectRoot } from '../models/paths.js';
import { loadBinding } from '../plugins/gst-app/binding.js';
import { sinkGst } from '../plugins/gst-app/sink-gst.js';
import { sourceGst } from '../plugins/gst-app/source-gst.js';
import { cli, exists, probe, tempDir } from './helpers.js';

// Issue #4 part 2: source.gst and sink.gst over real GStreamer pipelines (videotestsrc, decodebin,
// x264enc/mp4mux, filesink), checked with ffmpeg/ffprobe.

const run = promisify(execFile);
const binding = loadBinding();
const available = !(binding instanceof Error);
// GStreamer is an optional install (scripts/setup.sh --gstreamer); CI installs it, so there a
// missing binding fails instead of skipping.
const gstTest = available || process.env.CI ? test : test.skip;
const gstSerial = available || process.env.CI ? test.serial : test.skip;
if (!available) {
  if (process.env.CI) test('the GStreamer binding loads (CI installs it with setup.sh --gstreamer)', (t) => t.fail((binding as Error).message));
  else console.warn(`test/gst-app.test.ts: SKIPPED: ${(binding as Error).message}`);
}

function context<S extends OptionsSchema>(nodeId: string, raw: Record<string, unknown>, plugin: { options: S }) {
  const { options, problems } = resolveOptions(plugin.options, raw);
  if (problems.length) throw new Error(problems.map((p) => p.message).join('; '));
  return { nodeId, options, log: silentLogger, signal: new AbortController().signal, get: () => undefined as never };
}

async function readAll(raw: Record<string, unknown>): Promise<{ caps: VideoCaps; frames: Frame[] }> {
  const source: Source = sourceGst.create(context('src', raw, sourceGst));
  try {
    const caps = (await source.open()).video as VideoCaps;
    const frames: Frame[] = [];
    for await (const set of source.frames()) frames.push(set.video);
    return { caps, frames };
  } finally {
    await source.dispose();
  }
}

const meanOf = (data: Uint8Array | Float32Array, channel: number, from = 0, to = data.length / 3) => {
  let sum = 0;
  for (let p = from; p < to; p++) sum += data[p * 3 + channel];
  return sum / (to - from);
};

/** Per-frame mean of a region of each decoded frame (gray, full range), via ffmpeg. */
async function decodeGray(file: string, width: number, height: number): Promise<Uint8Array[]> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 28 });
  const frames: Uint8Array[] = [];
  for (let o = 0; o + width * height <= stdout.length; o += width * height) frames.push(stdout.subarray(o, o + width * height));
  return frames;
}

gstTest('source.gst reads videotestsrc at an odd width: count, size, rate, pts order and the red of pattern=red', async (t) => {
  const { caps, frames } = await readAll({ pipeline: 'videotestsrc num-buffers=7 pattern=red ! video/x-raw,width=161,height=91,framerate=25/1 ! appsink' });
  t.is(caps.width, 161);
  t.is(caps.height, 91);
  t.is(caps.stream.fps, 25);
  t.is(frames.length, 7);
  t.deepEqual(frames.map((f) => f.index), [0, 1, 2, 3, 4, 5, 6]);
  t.deepEqual(frames.map((f) => f.pts), [0, 1, 2, 3, 4, 5, 6].map((i) => i / 25));
  for (const frame of frames) {
    t.is(frame.data.length, 161 * 91 * 3, 'rows unpadded from the 4-byte stride');
    t.true(meanOf(frame.data, 0) > 250 && meanOf(frame.data, 1) < 5 && meanOf(frame.data, 2) < 5, `frame ${frame.index} is red`);
  }
});

gstTest('source.gst decodes an ffmpeg-made file in order: 10 dark then 10 bright frames, at its size and rate', async (t) => {
  const file = join(tempDir(), 'steps.mp4');
  const graph = 'color=c=0x303030:s=160x90:r=10:d=1[a];color=c=0xc0c0c0:s=160x90:r=10:d=1[b];[a][b]concat=n=2:v=1,format=yuv420p';
  await run('ffmpeg', ['-v', 'error', '-y', '-filter_complex', graph, '-c:v', 'libx264', '-crf', '10', file]);
  const { caps, frames } = await readAll({ pipeline: `filesrc location=${file} ! decodebin ! appsink` });
  t.like(caps, { width: 160, height: 90 });
  t.is(caps.stream.fps, 10);
  t.is(caps.stream.frameCount, 20, 'from the duration GStreamer reports');
  t.is(frames.length, 20);
  const green = frames.map((f) => Math.round(meanOf(f.data, 1)));
  t.log(`mean G per frame: ${green.join(' ')}`);
  for (const [i, g] of green.entries()) t.true(Math.abs(g - (i < 10 ? 0x30 : 0xc0)) <= 4, `frame ${i}: mean ${g}`);
});

gstTest('source.gst stops after `frames` frames', async (t) => {
  const { caps, frames } = await readAll({ pipeline: 'videotestsrc num-buffers=50 ! video/x-raw,width=64,height=48,framerate=30/1 ! appsink', frames: 4 });
  t.is(caps.stream.frameCount, 4);
  t.is(frames.length, 4);
});

/** Frames whose left half is dark and right half bright, each a step brighter than the last. */
function steps(count: number, width: number, height: number): Frame[] {
  return Array.from({ length: count }, (_, index) => {
    const data = new Uint8Array(width * height * 3);
    const level = 40 + index * 12;
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.fill(x < width / 2 ? level / 2 : level + 40, (y * width + x) * 3, (y * width + x) * 3 + 3);
    return { index, pts: index / 25, width, height, channels: 3, data };
  });
}

function sinkCaps(width: number, height: number, fps: number): Record<string, VideoCaps> {
  return { video: { kind: 'video', format: 'rgb24', width, height, stream: { fps, origin: 'test' } } };
}

gstTest('sink.gst encodes an odd-sized mp4 through x264enc/mp4mux: every frame, size, rate, and each frame’s brightness and edge', async (t) => {
  const dir = tempDir();
  const output = join(dir, 'out.mp4');
  const [w, h] = [161, 91];
  const sink: Sink = sinkGst.create(context('out', { pipeline: `appsrc ! videoconvert ! video/x-raw,format=Y444 ! x264enc qp-max=10 ! mp4mux ! filesink location=${output}` }, sinkGst));
  await sink.start(sinkCaps(w, h, 25));
  const frames = steps(12, w, h);
  for (const frame of frames) await sink.write({ video: frame });
  t.is(await sink.finish(), output);
  t.deepEqual(readdirSync(dir), ['out.mp4'], 'the temp file was renamed, nothing else left');

  const facts = await probe(output);
  t.like(facts, { width: w, height: h, frames: 12 });
  t.true(Math.abs(facts.fps - 25) < 0.01, `fps ${facts.fps}`);
  const decoded = await decodeGray(output, w, h);
  t.is(decoded.length, 12);
  for (const [i, gray] of decoded.entries()) {
    const level = 40 + i * 12;
    // Row by row, so that a wrong stride (a sheared picture) shows: each row's left and right quarters.
    for (const y of [0, 45, 90]) {
      const left = meanOf3(gray, y * w + 4, y * w + 36);
      const right = meanOf3(gray, y * w + 124, y * w + 156);
      t.true(Math.abs(left - level / 2) <= 4 && Math.abs(right - (level + 40)) <= 4, `frame ${i} row ${y}: left ${left.toFixed(1)} (want ${level / 2}), right ${right.toFixed(1)} (want ${level + 40})`);
    }
  }
});

function meanOf3(gray: Uint8Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += gray[i];
  return sum / (to - from);
}

gstTest('sink.gst abort stops the pipeline and leaves neither the output nor its temp file', async (t) => {
  const dir = tempDir();
  const sink = sinkGst.create(context('out', { pipeline: `appsrc ! videoconvert ! x264enc ! mp4mux ! filesink location=${join(dir, 'out.mp4')}` }, sinkGst));
  await sink.start(sinkCaps(64, 48, 25));
  for (const frame of steps(5, 64, 48)) await sink.write({ video: frame });
  t.true(readdirSync(dir).some((f) => f.includes('.partial-')), 'writing under a temp name');
  await sink.abort();
  t.deepEqual(readdirSync(dir), []);
});

gstTest('kind-pipe run pipelines/gst-in-out.yaml: source.gst → the KinD chain → sink.gst writes every frame at size and rate', async (t) => {
  const dir = tempDir();
  const output = join(dir, 'enhanced.mp4');
  const result = await cli([
    'run', 'pipelines/gst-in-out.yaml',
    '--set', 'src.pipeline=videotestsrc num-buffers=6 pattern=ball ! video/x-raw,width=160,height=90,framerate=25/1 ! videobalance brightness=-0.4 ! appsink',
    '--set', `out.pipeline=appsrc ! videoconvert ! x264enc ! mp4mux ! filesink location=${output}`,
  ]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout.trim(), output);
  const facts = await probe(output);
  t.like(facts, { width: 160, height: 90, frames: 6 });
  t.true(Math.abs(facts.fps - 25) < 0.01, `fps ${facts.fps}`);
  t.deepEqual(readdirSync(dir), ['enhanced.mp4']);
});

const refusals: { name: string; set: string; says: RegExp }[] = [
  { name: 'a source without appsink', set: 'src.pipeline=videotestsrc ! fakesink', says: /--set src\.pipeline: node 'src' \(source\.gst\): option 'pipeline' must end in '! appsink' \(it ends in 'fakesink'\)/ },
  { name: 'a sink not starting with appsrc', set: 'out.pipeline=videotestsrc ! fakesink', says: /--set out\.pipeline: node 'out' \(sink\.gst\): option 'pipeline' must start with 'appsrc' \(it starts with 'videotestsrc'\)/ },
  { name: 'a nonexistent element', set: 'src.pipeline=videotestsrc ! nosuchelement ! appsink', says: /node 'src' \(source\.gst\): option 'pipeline': GStreamer cannot build it: no element "nosuchelement"/ },
  { name: 'a filesink in a missing folder', set: 'out.pipeline=appsrc ! videoconvert ! x264enc ! mp4mux ! filesink location=/nonexistent-dir/x.mp4', says: /node 'out' \(sink\.gst\): option 'pipeline': filesink location \/nonexistent-dir\/x\.mp4: folder \/nonexistent-dir does not exist/ },
];

for (const r of refusals) {
  gstTest(`kind-pipe run refuses ${r.name} before any frame, naming the node and option`, async (t) => {
    const dir = tempDir();
    const result = await cli(['run', 'pipelines/gst-in-out.yaml', '--set', `out.pipeline=appsrc ! videoconvert ! x264enc ! mp4mux ! filesink location=${join(dir, 'o.mp4')}`, '--set', r.set]);
    t.is(result.code, 2, result.stderr);
    t.regex(result.stderr, r.says);
    t.notRegex(result.stderr, /done: \d+ frames/, 'no frame flowed');
    t.deepEqual(readdirSync(dir), []);
  });
}

gstTest('kind-pipe run fails with GStreamer’s message when the source file is missing (exit 3) and leaves no output', async (t) => {
  const dir = tempDir();
  const output = join(dir, 'o.mp4');
  const result = await cli(['run', 'pipelines/gst-in-out.yaml', '--set', 'src.pipeline=filesrc location=/nonexistent/night.mp4 ! decodebin ! appsink', '--set', `out.pipeline=appsrc ! videoconvert ! x264enc ! mp4mux ! filesink location=${output}`]);
  t.is(result.code, 3, result.stderr);
  t.regex(result.stderr, /node 'src' \(source\.gst\) option 'pipeline': GStreamer: Resource not found\. \(from GstFileSrc:filesrc\d+\) before the first frame/);
  t.false(exists(output));
});

test('without the binding, kind-pipe validate names each GStreamer node, its option, the Debian packages and the reinstall', async (t) => {
  // The child inherits the variable; it is set only while cli() spawns (synchronously), so tests running beside this one do not see it.
  process.env.KIND_PIPE_GST_BINDING = 'gstreamer-superficial-not-installed';
  const running = cli(['validate', 'pipelines/gst-in-out.yaml']);
  delete process.env.KIND_PIPE_GST_BINDING;
  const result = await running;
  t.is(result.code, 2, result.stderr);
  for (const node of [/node 'src' \(source\.gst\): option 'pipeline': GStreamer is not available/, /node 'out' \(sink\.gst\): option 'pipeline': GStreamer is not available/]) t.regex(result.stderr, node);
  t.regex(result.stderr, /apt-get install libgstreamer1\.0-dev libgstreamer-plugins-base1\.0-dev gstreamer1\.0-plugins-base/);
  t.regex(result.stderr, /npm ci/);
});

// Serial: ava runs serial tests before the others of this file, so the KinD runs above do not share its cores.
// The caps say 1 fps: a pipeline that waited for the clock would take 150 s and fail the bound,
// which sits 3× above the clock and far below what even a loaded machine passes (7 fps seen with
// four test files on two cores; 5 fps caps and a 20 fps bound failed there).
gstSerial('passthrough throughput at 1280×720: source.gst videotestsrc → sink.gst fakesink, not held to the clock', async (t) => {
  const count = 150;
  const source = sourceGst.create(context('src', { pipeline: `videotestsrc num-buffers=${count} ! video/x-raw,width=1280,height=720,framerate=1/1 ! appsink` }, sourceGst));
  const sink = sinkGst.create(context('out', { pipeline: 'appsrc ! fakesink sync=false' }, sinkGst));
  const started = performance.now();
  await sink.start(await source.open());
  let frames = 0;
  for await (const set of source.frames()) {
    await sink.write(set);
    frames++;
  }
  await sink.finish();
  await source.dispose();
  const fps = frames / ((performance.now() - started) / 1000);
  t.log(`1280×720 RGB passthrough: ${frames} frames at ${fps.toFixed(0)} fps (open, pull, push, end of stream included)`);
  t.is(frames, count);
  t.true(fps > 3, `${fps.toFixed(1)} fps: far above the stream's 1 fps, so nothing waits for the clock`);
});

// A bus-poll thread left waiting on a stopped pipeline kept this test file's process from exiting
// in CI ("Failed to exit"; process.exit() hangs too, as libuv joins its pool threads at exit).
// The old bus code fails this in ~1 of 4 runs at 48 cycles (stress script, 2026-11-25); 120 here.
gstTest('issue #4 regression: 120 source.gst/sink.gst cycles on every stop path, 3 at once, and the process exits by itself', async (t) => {
  const dir = tempDir();
  const script = join(projectRoot, 'test', 'fixtures', 'gst-cycles.mjs');
  const child = spawn(process.execPath, [script, join(projectRoot, 'dist'), '120', '3', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  clearTimeout(timer);
  t.is(signal, null, `killed after 60 s: the process did not exit (a pipeline or its bus poll was left behind). Output: ${out}`);
  t.is(code, 0, out);
  t.deepEqual(JSON.parse(out.trim().split('\n').at(-1)!), { 'mid-stream': 120, eos: 120, error: 120, 'sink aborted': 120, 'sink finished': 120 });
});
