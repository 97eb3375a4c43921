#!/usr/bin/env node
/**
 * The quality benchmark: PSNR / SSIM / LOE on synthetic low-light pairs (mild and severe, made
 * from pristine/val by the project's own degradation model) for the dark input, the best
 * classical ffmpeg chain found by grid search, `kind` and `kind-lite`; no-reference stats and a
 * contact sheet on real low-light photos. Writes bench/quality/results.{json,md} and
 * bench/quality/sheet-*.png; caches pairs and outputs in .bench/quality/.
 *
 *   npm run bench:quality                # all 50 validation images
 *   npm run bench:quality -- --limit 6   # a quick run
 *   npm run bench:quality -- --no-reference   # only the real-footage set, classical chain from results.json
 *   options: --seed N (1) · --severity mild,severe · --fresh (remake cached pairs)
 *
 * The real-footage set (issue #20: black level, grey-region colour, sharpness, exposure on photos of
 * lowlight/ and frames of the night clips) writes bench/results/no-reference.{json,md} and
 * bench/results/sheet-real-footage.png.
 *
 * Skips (exit 0) with a message when ../shared/data (or $KIND_PIPE_DATA) is absent.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { requireFfmpeg } from '../../core/media/tool.js';
import { projectRoot } from '../../models/paths.js';
import type { BenchContext } from './context.js';
import { secondsSince } from './exec.js';
import { cliPath, modelInfo } from './kind-run.js';
import type { ClassicalParams } from './classical.js';
import { benchLowlight } from './lowlight.js';
import { benchRealFootage, realFootageMarkdown, writeRealFootage } from './real-footage.js';
import { methodTitles, resultsMarkdown, type QualityResults } from './results.js';
import { benchSeverity } from './severity.js';

interface BenchArgs {
  limit: number;
  seed: number;
  severities: string[];
  fresh: boolean;
  noReferenceOnly: boolean;
}

function parseArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = { limit: 0, seed: 1, severities: ['mild', 'severe'], fresh: false, noReferenceOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i] ?? '';
    if (flag === '--limit') args.limit = Number(value());
    else if (flag === '--seed') args.seed = Number(value());
    else if (flag === '--severity') args.severities = value().split(',').filter(Boolean);
    else if (flag === '--fresh') args.fresh = true;
    else if (flag === '--no-reference') args.noReferenceOnly = true;
    else throw new Error(`unknown argument ${argv[i]} (use --limit N, --seed N, --severity mild,severe, --fresh, --no-reference)`);
  }
  if (!Number.isInteger(args.limit) || args.limit < 0) throw new Error('--limit takes a whole number ≥ 0 (0: all images)');
  if (!Number.isInteger(args.seed)) throw new Error('--seed takes a whole number');
  return args;
}

function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: projectRoot, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: projectRoot, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+dirty` : head;
  } catch {
    return 'unknown';
  }
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const dataRoot = process.env.KIND_PIPE_DATA ?? join(projectRoot, '..', 'shared', 'data');
  const src = join(dataRoot, 'pristine', 'val');
  if (!existsSync(src)) {
    process.stdout.write(`bench:quality: skipped — ${src} is absent (set KIND_PIPE_DATA to the shared data folder)\n`);
    return 0;
  }
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing. Fix: npm run build`);
  requireFfmpeg();
  const total = performance.now();
  const results: QualityResults = {
    date: new Date().toISOString(),
    commit: commit(),
    machine: `${cpus().length}× ${cpus()[0]?.model.trim() ?? 'cpu'}, node ${process.version}, load average ${loadavg()[0].toFixed(1)} at start`,
    data: relative(projectRoot, dataRoot),
    seed: args.seed,
    limit: args.limit,
    models: await modelInfo(),
    weightsChanged: false,
    severities: {},
    sheets: [],
    seconds: {},
  };
  const ctx: BenchContext = {
    cache: join(projectRoot, '.bench', 'quality'),
    benchDir: join(projectRoot, 'bench', 'quality'),
    log: (message) => process.stderr.write(`[bench:quality ${new Date().toISOString().slice(11, 19)}] ${message}\n`),
    async timed(stage, work) {
      const start = performance.now();
      try {
        return await work();
      } finally {
        results.seconds[stage] = secondsSince(start);
      }
    },
  };

  const resultsDir = join(projectRoot, 'bench', 'results');
  const realFootage = async (params: ClassicalParams, from: string) => {
    const r = await ctx.timed('real footage', () => benchRealFootage(ctx, dataRoot, params, join(resultsDir, 'sheet-real-footage.png')));
    const header = `# No-reference checks on real footage\n\n${new Date().toISOString()} · commit ${commit()} · classical chain as tuned for ${from} (gain ${params.gain}, gamma ${params.gamma}, hqdn3d ${params.lumaDenoise}:${params.chromaDenoise}) · every model through its stills pipeline · sheet: sheet-real-footage.png`;
    writeRealFootage(r, resultsDir, header);
    process.stdout.write(realFootageMarkdown(r, '') + `wrote bench/results/no-reference.md, no-reference.json and sheet-real-footage.png\n`);
  };
  if (args.noReferenceOnly) {
    const previous = join(ctx.benchDir, 'results.json');
    if (!existsSync(previous)) throw new Error(`${previous} is missing: --no-reference takes the classical chain tuned by a full run. Fix: npm run bench:quality first`);
    const tuned = (JSON.parse(readFileSync(previous, 'utf8')) as QualityResults).severities.severe?.classical.params;
    if (!tuned) throw new Error(`${previous} has no severe classical chain. Fix: npm run bench:quality -- --severity mild,severe`);
    await realFootage(tuned, 'severe (bench/quality/results.json)');
    return 0;
  }

  for (const severity of args.severities) {
    const { sheet, ...result } = await benchSeverity(ctx, src, severity, args);
    results.severities[severity] = result;
    results.sheets.push(sheet);
  }
  const lowlightRoot = join(dataRoot, 'lowlight');
  const tunedOn = results.severities.severe ? 'severe' : args.severities[0];
  if (!existsSync(lowlightRoot)) ctx.log(`lowlight: skipped — ${lowlightRoot} is absent`);
  else if (tunedOn) {
    try {
      const { sheet, ...lowlight } = await ctx.timed('lowlight', () => benchLowlight(ctx, lowlightRoot, results.severities[tunedOn].classical.params));
      results.lowlight = { ...lowlight, classicalFrom: tunedOn };
      results.sheets.push(sheet);
    } catch (error) {
      results.lowlight = { images: [], classicalFrom: tunedOn, stats: {}, error: (error as Error).message };
      ctx.log(`lowlight FAILED: ${(error as Error).message}`);
    }
  }

  if (tunedOn) await realFootage(results.severities[tunedOn].classical.params, tunedOn);

  results.weightsChanged = JSON.stringify(await modelInfo()) !== JSON.stringify(results.models);
  if (results.weightsChanged) ctx.log('WARNING: the model weights changed during the run (a training job exported new ones); the kind rows may mix weights');
  results.seconds.total = secondsSince(total);
  const json = JSON.stringify(results, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
  writeFileSync(join(ctx.benchDir, 'results.json'), json + '\n');
  writeFileSync(join(ctx.benchDir, 'results.md'), resultsMarkdown(results));
  let failures = results.lowlight?.error ? 1 : 0;
  for (const [severity, r] of Object.entries(results.severities)) {
    for (const [method, m] of Object.entries(r.methods)) {
      if (m.error) failures++;
      process.stdout.write(`${severity.padEnd(7)} ${methodTitles[method].padEnd(55)} ${m.error ? 'FAILED' : `${m.psnr.toFixed(2).padStart(6)} dB  SSIM ${m.ssim.toFixed(4)}  LOE ${m.loe.toFixed(0).padStart(4)}  GT-mean ${m.gtMean ? `${m.gtMean.psnr.toFixed(2)} dB / ${m.gtMean.ssim.toFixed(4)}` : '—'}`}\n`);
    }
  }
  process.stdout.write(`wrote ${relative(projectRoot, join(ctx.benchDir, 'results.md'))}, results.json and ${results.sheets.join(', ')} in ${results.seconds.total} s\n`);
  return failures ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`bench:quality: ${(error as Error).message ?? error}\n`);
    process.exitCode = 1;
  },
);
