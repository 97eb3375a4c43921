import { join, relative } from 'node:path';
import { projectRoot } from '../../models/paths.js';
import { evaluate } from '../../pipeline/eval/evaluate.js';
import { imagesByName } from '../../pipeline/eval/image-folder.js';
import type { ReferenceScores } from '../../pipeline/eval/scores.js';
import { classicalGrid, renderClassical, searchClassical, type ClassicalParams } from './classical.js';
import { contactSheet } from './contact-sheet.js';
import type { BenchContext } from './context.js';
import { secondsSince } from './exec.js';
import { runKind } from './kind-run.js';
import { gtMeanScores } from './gt-mean.js';
import { ensurePairs } from './pairs.js';
import type { MethodResult, SeverityResult } from './results.js';

export const defaultModels = ['kind', 'kind-lite', 'kind-fast'] as const;

/** Names of the dimensions whose chosen value is the smallest or largest the grid tried. */
function gridEdges(best: ClassicalParams): string[] {
  const grid = classicalGrid();
  const edge = (key: keyof ClassicalParams, name: string) => {
    const values = grid.map((p) => p[key]);
    return best[key] === Math.min(...values) || best[key] === Math.max(...values) ? [name] : [];
  };
  return [...edge('gain', 'gain'), ...edge('gamma', 'gamma'), ...edge('lumaDenoise', 'denoise')];
}

/** `count` names evenly spread over `names`. */
function spread(names: readonly string[], count: number): string[] {
  const n = Math.min(count, names.length);
  return Array.from({ length: n }, (_, i) => names[Math.floor((i * names.length) / n)]);
}

/**
 * One severity end to end: pairs (cached), the dark input, the classical grid search and its
 * best chain, each model (kind, kind-lite, kind-fast) through the CLI, each scored with `evaluate`, and a contact sheet
 * `sheet-SEVERITY.png` of six images. A model that fails is recorded with its error, not thrown.
 */
export async function benchSeverity(
  ctx: BenchContext,
  src: string,
  severity: string,
  options: { seed: number; limit: number; fresh: boolean; models?: readonly string[] },
): Promise<SeverityResult & { sheet: string }> {
  const timed = <T>(stage: string, work: () => Promise<T>) => ctx.timed(`${severity} ${stage}`, work);
  const pairs = await timed('pairs', () => ensurePairs(ctx.cache, src, severity, options.seed, options.limit, options.fresh));
  const names = [...imagesByName(pairs.low, 'pairs')].map(([name]) => name).sort();
  ctx.log(`${severity}: ${names.length} pairs in ${relative(projectRoot, pairs.dir)}${pairs.reused ? ' (cached)' : ''}`);
  const out = (method: string) => join(ctx.cache, 'out', severity, method);
  const score = async (stage: string, pred: string): Promise<MethodResult> => ({
    ...((await timed(stage, () => evaluate({ pred, gt: pairs.gt }))).mean as ReferenceScores),
    gtMean: await timed(`${stage} gt-mean`, () => gtMeanScores(names, pred, pairs.gt)),
  });
  const methods: Record<string, MethodResult> = { input: await score('input eval', pairs.low) };

  const start = performance.now();
  const grid = await searchClassical(names, pairs.low, pairs.gt, (done, n) => ctx.log(`${severity}: classical grid ${done}/${n} images`));
  const searchSeconds = secondsSince(start);
  const best = grid[0];
  const renderStart = performance.now();
  await renderClassical(names, pairs.low, out('classical'), best.params);
  methods.classical = { ...(await score('classical eval', out('classical'))), seconds: secondsSince(renderStart) };
  ctx.log(`${severity}: classical best ${best.chain} → ${methods.classical.psnr.toFixed(2)} dB (grid search ${searchSeconds} s)`);

  for (const model of options.models ?? defaultModels) {
    try {
      const run = await runKind(model, pairs.low, out(model));
      methods[model] = { ...(await score(`${model} eval`, out(model))), seconds: run.seconds, summary: run.summary };
      ctx.log(`${severity}: ${model} ${methods[model].psnr.toFixed(2)} dB, ${run.seconds} s (${run.summary})`);
    } catch (error) {
      methods[model] = { psnr: NaN, ssim: NaN, loe: NaN, error: (error as Error).message };
      ctx.log(`${severity}: ${model} FAILED: ${(error as Error).message}`);
    }
  }

  const withKind = !methods.kind.error;
  const sheet = `sheet-${severity}.png`;
  await timed('sheet', () =>
    contactSheet(
      spread(names, 6).map((name) => ({
        tiles: [join(pairs.low, `${name}.png`), join(out('classical'), `${name}.png`), ...(withKind ? [join(out('kind'), `${name}.png`)] : []), join(pairs.gt, `${name}.png`)],
      })),
      ['input', 'classical', ...(withKind ? ['kind'] : []), 'ground truth'],
      join(ctx.benchDir, sheet),
    ),
  );
  return {
    pairs: { dir: relative(projectRoot, pairs.dir), count: names.length, reused: pairs.reused },
    methods,
    classical: { params: best.params, chain: best.chain, gridPoints: grid.length, atGridEdge: gridEdges(best.params), top: grid.slice(0, 5), searchSeconds },
    sheet,
  };
}
