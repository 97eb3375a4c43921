/**
 * Quality cost of KinD's int8 networks (#16): the stills pipeline with `precision: fp32` and with
 * `precision: int8` on decom and restore, on the benchmark's synthetic pristine/val pairs (cached
 * in .bench/quality/ like bench:quality), PSNR/SSIM against the ground truth and the difference.
 *
 *   npm run build && node dist/bench/quality/int8.js --limit 12 --severity mild,severe
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../../models/paths.js';
import { evaluate } from '../../pipeline/eval/evaluate.js';
import type { ReferenceScores } from '../../pipeline/eval/scores.js';
import { runTool } from './exec.js';
import { cliPath } from './kind-run.js';
import { ensurePairs } from './pairs.js';

const { values } = parseArgs({ options: { limit: { type: 'string', default: '12' }, severity: { type: 'string', default: 'mild,severe' }, seed: { type: 'string', default: '1' } } });
const src = join(process.env.KIND_PIPE_DATA ?? join(projectRoot, '..', 'shared', 'data'), 'pristine', 'val');
if (!existsSync(src)) {
  process.stdout.write(`bench int8: skipped — ${src} is absent (set KIND_PIPE_DATA to the shared data folder)\n`);
  process.exit(0);
}
const cache = join(projectRoot, '.bench', 'quality');
for (const severity of values.severity!.split(',')) {
  const pairs = await ensurePairs(cache, src, severity, Number(values.seed), Number(values.limit), false);
  const scores: Record<string, ReferenceScores & { seconds: number }> = {};
  for (const precision of ['fp32', 'int8']) {
    const out = join(cache, 'out-int8', severity, precision);
    mkdirSync(join(cache, 'out-int8', severity), { recursive: true });
    const sets = [`input=${pairs.low}`, `output=${out}`, `decom.precision=${precision}`, `restore.precision=${precision}`];
    const start = performance.now();
    await runTool(process.execPath, [cliPath, 'run', 'pipelines/stills.yaml', ...sets.flatMap((s) => ['--set', s])], { cwd: projectRoot });
    const seconds = (performance.now() - start) / 1000;
    scores[precision] = { ...((await evaluate({ pred: out, gt: pairs.gt })).mean as ReferenceScores), seconds };
  }
  const [a, b] = [scores.fp32, scores.int8];
  process.stdout.write(
    `${severity} (${Number(values.limit)} pairs): fp32 ${a.psnr.toFixed(2)} dB SSIM ${a.ssim.toFixed(4)} (${a.seconds.toFixed(0)} s) | ` +
      `int8 ${b.psnr.toFixed(2)} dB SSIM ${b.ssim.toFixed(4)} (${b.seconds.toFixed(0)} s) | int8 − fp32: ${(b.psnr - a.psnr).toFixed(2)} dB, SSIM ${(b.ssim - a.ssim).toFixed(4)}\n`,
  );
}
