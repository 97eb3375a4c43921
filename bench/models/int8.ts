/**
 * Speed of KinD's int8 (QDQ) networks against fp32 with onnxruntime-node on this CPU (#16):
 * each network at each size, fp32 and int8 runs alternating, median ms and the int8/fp32 ratio.
 *
 *   node dist/bench/models/int8.js --sizes 640x360,1280x720 --runs 5 --threads 2
 */
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import { loadModelTable } from '../../models/registry.js';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '640x360' }, runs: { type: 'string', default: '5' }, threads: { type: 'string', default: '2' } } });
const kind = loadModelTable().get('kind')!;
const runs = Number(values.runs);
const threads = Number(values.threads);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const size of values.sizes!.split(',')) {
  const [width, height] = size.split('x').map(Number);
  const rand = (c: number) => new ort.Tensor('float32', Float32Array.from({ length: c * width * height }, () => Math.random()), [1, c, height, width]);
  for (const role of ['decom', 'restore']) {
    const open = (r: string) => ort.InferenceSession.create(kind.networks[r].file, { graphOptimizationLevel: 'all', intraOpNumThreads: threads, interOpNumThreads: 1 });
    const fp32 = await open(role);
    const int8 = await open(`${role}-int8`);
    const feeds: Record<string, ort.Tensor> = role === 'decom' ? { image: rand(3) } : { reflectance: rand(3), illumination: rand(1) };
    const times: Record<string, number[]> = { fp32: [], int8: [] };
    await fp32.run(feeds);
    await int8.run(feeds);
    for (let i = 0; i < runs; i++) {
      for (const [name, s] of [['fp32', fp32], ['int8', int8]] as const) {
        const t0 = performance.now();
        await s.run(feeds);
        times[name].push(performance.now() - t0);
      }
    }
    const a = median(times.fp32);
    const b = median(times.int8);
    console.log(`${size} ${role.padEnd(7)} fp32 ${a.toFixed(0)} ms  int8 ${b.toFixed(0)} ms  int8/fp32 ${(b / a).toFixed(2)}  (median of ${runs}, ${threads} threads)`);
    await fp32.release();
    await int8.release();
  }
}
