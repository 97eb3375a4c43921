import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../models/paths.js';
import { OnnxRuntime } from '../models/runtime/onnx-runtime.js';
import { tempDir } from './helpers.js';
import { requiring } from './requiring.js';

interface TensorFile {
  file: string;
  shape: number[];
}
interface ParityManifest {
  tolerance: number;
  networks: { stage: string; onnx: string; inputs: Record<string, TensorFile>; outputs: Record<string, TensorFile> }[];
}

const python = '/usr/bin/python3';
const torchMissing = spawnSync(python, ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status !== 0;

function readTensor(dir: string, t: TensorFile): Float32Array {
  const bytes = readFileSync(join(dir, t.file));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

for (const size of ['385x289', '1x1', '64x2']) {
  const title = `every shipped ONNX network matches its PyTorch definition within 1e-4 at ${size}`;
  requiring(!torchMissing, `${python} cannot import torch and onnx`, 'apt-get install python3-torch python3-onnx (scripts/setup.sh --training)')(title, async (t) => {
    const dir = tempDir('kind-pipe-parity-');
    execFileSync(python, [join(projectRoot, 'models', 'kind', 'train', 'parity.py'), '--size', size, '--out', dir], { stdio: 'pipe' });
    const manifest = JSON.parse(readFileSync(join(dir, 'parity.json'), 'utf8')) as ParityManifest;
    const networks = (JSON.parse(readFileSync(join(projectRoot, 'models', 'kind', 'weights', 'manifest.json'), 'utf8')) as { networks: Record<string, { precision?: string }> }).networks;
    const shipped = Object.keys(networks).filter((id) => networks[id].precision !== 'int8'); // int8 nets: plugins/kind/precision.spec.ts
    t.true(shipped.length >= 5, 'decom, restore, lite restore, illum, exposure at least');
    t.deepEqual(manifest.networks.map((n) => n.stage), shipped, 'one reference per network in weights/manifest.json');
    const runtime = new OnnxRuntime();
    for (const network of manifest.networks) {
      const session = await runtime.load(readFileSync(join(projectRoot, network.onnx)), network.onnx, { threads: 2, optimization: 'all', providers: ['cpu'] });
      const feeds = Object.fromEntries(Object.entries(network.inputs).map(([name, f]) => [name, { data: readTensor(dir, f), dims: f.shape }]));
      const outputs = await session.run(feeds);
      for (const [name, expected] of Object.entries(network.outputs)) {
        const want = readTensor(dir, expected);
        const got = outputs[name];
        t.deepEqual([...got.dims], expected.shape, `${network.stage}.${name} shape`);
        let worst = 0;
        for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - got.data[i]));
        t.true(worst <= manifest.tolerance, `${network.stage}.${name}: max abs diff ${worst} > ${manifest.tolerance}`);
      }
      await session.dispose();
    }
  });
}
