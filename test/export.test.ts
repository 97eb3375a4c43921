import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { decodeImage, encodePng, type Still } from '../core/media/still.js';
import { projectRoot } from '../models/paths.js';
import { loadModelTable } from '../models/registry.js';
import { OnnxRuntime } from '../models/runtime/onnx-runtime.js';
import { cli, cliPath, tempDir } from './helpers.js';
import { requiring } from './requiring.js';

// Issue #10 part 4: `kind-pipe export` writes a pipeline's KinD enhancement as one ONNX graph; on the
// same frames it must give what the pipeline itself gives (rgb24: within 1 code value).

const torchMissing = spawnSync('/usr/bin/python3', ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status !== 0;
const cctvNight = join(projectRoot, 'pipelines', 'cctv-night.yaml');
const lite = ['decom', 'restore', 'illum'].flatMap((node) => ['--set', `${node}.model=kind-lite`]);
const sizes: [string, number, number][] = [['a', 37, 29], ['b', 37, 29], ['c', 37, 29], ['d', 64, 48], ['e', 9, 5]];

/** cctv-night.yaml with its video ends swapped for a folder of stills in and PNGs out: same stages, same options. */
function stillsVariant(dir: string): string {
  const doc = parse(readFileSync(cctvNight, 'utf8')) as { nodes: { plugin: string; options?: Record<string, unknown> }[] };
  for (const node of doc.nodes) {
    if (node.plugin === 'source.file') Object.assign(node, { plugin: 'source.images', options: { path: join(dir, 'in') } });
    if (node.plugin === 'sink.file') Object.assign(node, { plugin: 'sink.images', options: { path: join(dir, 'out') } });
  }
  const file = join(dir, 'cctv-night-stills.yaml');
  writeFileSync(file, stringify(doc));
  return file;
}

/** Dark, noisy frames with edges, a bright spot (the min-max stretch must matter) and odd sizes. */
async function writeFrames(folder: string): Promise<Map<string, Still>> {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const frames = new Map<string, Still>();
  for (const [name, width, height] of sizes) {
    const data = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const box = x > width / 3 && x < (2 * width) / 3 && y > height / 4 ? 25 : 0;
        for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = Math.min(255, 6 + box + (x * 20) / width + c * 4 + random() * 14);
      }
    }
    if (name === 'b') data.fill(240, 0, 3 * 4); // a headlight
    mkdirSync(folder, { recursive: true });
    await encodePng(join(folder, `${name}.png`), { width, height, data });
    frames.set(name, { width, height, data });
  }
  return frames;
}

function liteWeightsHash(): string {
  const hash = createHash('sha256');
  for (const network of Object.values(loadModelTable().get('kind-lite')!.networks)) hash.update(readFileSync(network.file));
  return hash.digest('hex');
}

/**
 * Max |graph − pipeline| over all frames: in 8-bit code values with the graph's float output rounded
 * like kind.fuse does, and before rounding (≤ 0.5 means no value landed across a rounding boundary).
 */
async function compare(onnxFile: string, frames: Map<string, Still>, outFolder: string): Promise<{ codes: number; unrounded: number }> {
  const session = await new OnnxRuntime().load(readFileSync(onnxFile), onnxFile, { threads: 1, optimization: 'all', providers: ['cpu'] });
  let codes = 0;
  let unrounded = 0;
  try {
    for (const [name, frame] of frames) {
      const plane = frame.width * frame.height;
      const input = new Float32Array(plane * 3);
      for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) input[c * plane + p] = frame.data[p * 3 + c] / 255;
      const { output } = await session.run({ input: { data: input, dims: [1, 3, frame.height, frame.width] } });
      if (output.dims.join() !== `1,3,${frame.height},${frame.width}`) throw new Error(`${name}: output dims ${output.dims}`);
      const piped = await decodeImage(join(outFolder, `${name}.png`));
      for (let p = 0; p < plane; p++) {
        for (let c = 0; c < 3; c++) {
          const v = output.data[c * plane + p];
          const code = v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255);
          codes = Math.max(codes, Math.abs(code - piped.data[p * 3 + c]));
          if (v > 0 && v < 1) unrounded = Math.max(unrounded, Math.abs(v * 255 - piped.data[p * 3 + c]));
        }
      }
    }
  } finally {
    await session.dispose();
  }
  return { codes, unrounded };
}

const torchTest = requiring(!torchMissing, '/usr/bin/python3 cannot import torch and onnx', 'apt-get install python3-torch python3-onnx (scripts/setup.sh --training)');

const recipes: [string, string[]][] = [
  ['minmax stretch, fixed ratio, official fusion', ['--set', 'norm.mode=minmax', '--set', 'illum.mode=ratio', '--set', 'illum.ratio=2', '--set', 'fuse.mode=official']],
  // smoothing 0: the pipeline's auto ratio then follows each frame alone, as the graph's does.
  ['no stretch, auto ratio, product fusion', ['--set', 'norm.mode=none', '--set', 'illum.mode=auto', '--set', 'illum.smoothing=0', '--set', 'fuse.mode=product']],
  // The shipped recipe (learned exposure and product fusion from the file), one frame at a time.
  ['minmax stretch, its own learned exposure, product fusion', ['--set', 'norm.mode=minmax', '--set', 'illum.smoothing=0']],
];

for (const [title, sets] of recipes) {
  const name = `export: the ONNX graph of cctv-night (kind-lite; ${title}) matches the pipeline's own output within 1 code value`;
  torchTest(name, async (t) => {
    const dir = tempDir('kind-pipe-export-');
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const frames = await writeFrames(join(dir, 'in'));
    const pipeline = stillsVariant(dir);
    const onnxFile = join(dir, 'kind.onnx');
    for (let attempt = 1; ; attempt++) {
      const weights = liteWeightsHash();
      const exported = await cli(['export', pipeline, '--onnx', onnxFile, ...lite, ...sets]);
      t.is(exported.code, 0, exported.stderr);
      t.is(exported.stdout.trim(), onnxFile);
      const ran = await cli(['run', pipeline, ...lite, ...sets]);
      t.is(ran.code, 0, ran.stderr);
      // A training job may re-export kind-lite between the two: then both sides must be redone.
      if (liteWeightsHash() === weights) break;
      if (attempt === 3) return t.fail('the kind-lite weights kept changing during the test');
    }
    t.deepEqual(readdirSync(dir).filter((f) => f.includes('.partial-')), [], 'no temp file left beside the output');
    const { codes, unrounded } = await compare(onnxFile, frames, join(dir, 'out'));
    t.log(`max abs diff ${codes} code values (unrounded ${unrounded.toFixed(4)}) over ${sizes.map(([, w, h]) => `${w}×${h}`).join(', ')}`);
    t.true(codes <= 1, `max abs diff ${codes} > 1`);
  });
}

torchTest('export: a temporal pipeline is exported with a warning that it becomes per-frame minmax', async (t) => {
  const dir = tempDir('kind-pipe-export-');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const result = await cli(['export', cctvNight, '--onnx', join(dir, 'night.onnx'), ...lite, '--set', 'illum.mode=auto']);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stderr, /normalize mode: temporal\) is exported as per-frame minmax/);
  t.regex(result.stderr, /mode: auto\) computes its ratio from each frame alone.*smoothing over time is dropped/);
  t.true(readFileSync(join(dir, 'night.onnx')).length > 1e6);
});

test('export: a stage outside the KinD chain is refused, naming the node and what is supported', async (t) => {
  const dir = tempDir('kind-pipe-export-');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const doc = parse(readFileSync(cctvNight, 'utf8')) as { nodes: { id: string; plugin: string; inputs?: Record<string, string>; options?: object }[] };
  const fuse = doc.nodes.findIndex((n) => n.id === 'fuse');
  doc.nodes.splice(fuse, 0, { id: 'restore2', plugin: 'kind.restore', inputs: { reflectance: 'restore', illumination: 'decom.illumination' } });
  doc.nodes[fuse + 1].inputs!.restored = 'restore2';
  const file = join(dir, 'twice.yaml');
  writeFileSync(file, stringify(doc));
  const result = await cli(['export', file, '--onnx', join(dir, 'x.onnx')]);
  t.is(result.code, 2, result.stderr);
  t.regex(result.stderr, /nodes 'restore' and 'restore2' are both kind\.restore/);
  t.regex(result.stderr, /supports exactly source → normalize → kind\.decom → kind\.restore \+ kind\.illumination → kind\.fuse → sink/);
  t.false(existsSync(join(dir, 'x.onnx')));
});

test('export: a Python without torch gives the Debian packages to install', async (t) => {
  const dir = tempDir('kind-pipe-export-');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // The real interpreter with its site-packages (where Debian puts torch) switched off.
  const python = join(dir, 'python-without-torch');
  writeFileSync(python, '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n');
  chmodSync(python, 0o755);
  const env = { ...process.env, KIND_PIPE_PYTHON: python };
  const result = await cliWithEnv(['export', cctvNight, '--onnx', join(dir, 'x.onnx'), ...lite], env);
  t.is(result.code, 3, result.stderr);
  t.regex(result.stderr, /cannot import torch and onnx \(No module named 'torch'\)\. Fix: apt-get install python3-torch python3-onnx/);
  const absent = await cliWithEnv(['export', cctvNight, '--onnx', join(dir, 'x.onnx'), ...lite], { ...process.env, KIND_PIPE_PYTHON: join(dir, 'no-such-python') });
  t.is(absent.code, 3, absent.stderr);
  t.regex(absent.stderr, /cannot start .*no-such-python: ENOENT\. Fix: apt-get install python3 python3-torch python3-onnx, or set KIND_PIPE_PYTHON/);
  t.deepEqual(readdirSync(dir).sort(), ['python-without-torch']);
});

/** Runs the built CLI with KIND_PIPE_PYTHON set (helpers.cli passes this process's environment on). */
function cliWithEnv(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: projectRoot, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr }));
  });
}
