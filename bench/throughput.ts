/**
 * npm run bench — throughput and memory of the default pipeline.
 *
 * 1. Per-stage ms/frame and end-to-end fps of pipelines/cctv-night.yaml at 640×360 on
 *    ../shared/data/video/night-road-640x360.mp4 (skipped with a message when absent).
 * 2. Peak RSS of the same pipeline over 30 and over 300 frames of one clip: memory must not grow
 *    with video length (target: within 15%).
 * Prints a table and writes bench/results/throughput.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../models/paths.js';
import { runCliPipeline, type Done } from './cli-run.js';
import { commit, cpuName } from './machine.js';

const work = mkdtempSync(join(tmpdir(), 'kind-pipe-bench-'));
const model = process.env.BENCH_MODEL ?? 'kind';

function runPipeline(input: string, frames: number): Promise<Done> {
  const sets = [`input=${input}`, `output=${join(work, `out-${frames}.mp4`)}`, `decode.frames=${frames}`];
  for (const node of ['decom', 'restore', 'illum']) sets.push(`${node}.model=${model}`);
  return runCliPipeline('pipelines/cctv-night.yaml', sets, `${frames} frames`);
}

const results: Record<string, unknown> = { date: new Date().toISOString(), model, cpu: cpuName(), commit: commit() };

const road = join(projectRoot, '..', 'shared', 'data', 'video', 'night-road-640x360.mp4');
if (existsSync(road)) {
  console.log(`1. cctv-night.yaml (model ${model}) on night-road-640x360.mp4`);
  const run = await runPipeline(road, 0);
  const fps = run.frames / run.elapsed_s;
  console.log(`   ${run.frames} frames, ${fps.toFixed(2)} fps end to end, peak RSS ${run.peak_rss_mb} MB`);
  console.log('   stage            ms/frame');
  for (const [stage, ms] of Object.entries(run.ms_per_frame)) console.log(`   ${stage.padEnd(16)} ${ms.toFixed(1).padStart(8)}`);
  results.nightRoad = { frames: run.frames, fps, peakRssMb: run.peak_rss_mb, msPerFrame: run.ms_per_frame };
} else {
  console.log(`1. skipped: ${road} is absent (the shared data folder is not beside the project)`);
}

// 320 frames of 640×360: the real clip looped when present, else a generated one.
const long = join(work, 'long.mp4');
const looped = existsSync(road)
  ? ['-stream_loop', '1', '-i', road, '-frames:v', '320']
  : ['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25,eq=brightness=-0.35,noise=alls=10:allf=t', '-frames:v', '320'];
execFileSync('ffmpeg', ['-v', 'error', '-y', ...looped, '-an', '-c:v', 'libx264', '-preset', 'veryfast', long]);
console.log('2. peak RSS against video length (640×360)');
const short = await runPipeline(long, 30);
const full = await runPipeline(long, 300);
const growth = full.peak_rss_mb / short.peak_rss_mb - 1;
console.log(`   30 frames: ${short.peak_rss_mb} MB   300 frames: ${full.peak_rss_mb} MB   growth ${(growth * 100).toFixed(1)}% (target ≤ 15%)`);
results.rss = { frames30Mb: short.peak_rss_mb, frames300Mb: full.peak_rss_mb, growth, fps300: full.frames / full.elapsed_s };

const outDir = join(projectRoot, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'throughput.json'), JSON.stringify(results, null, 2) + '\n');
console.log(`wrote ${join(outDir, 'throughput.json')}`);
