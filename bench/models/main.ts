#!/usr/bin/env node
/**
 * npm run bench:models — the swappable models side by side, in one run:
 *
 * 1. End-to-end fps at 1280×720 (decode → model → x264 encode, `kind-pipe run` as a user runs it)
 *    of cctv-night-fast.yaml (kind-fast; target ≥ 25 fps on two cores; 300 frames) and
 *    cctv-night.yaml (kind; 6 frames), beside the ffmpeg eq + hqdn3d chain with the fast
 *    pipeline's encoder settings (the reference). Run it with nothing else busy.
 * 2. PSNR / SSIM on the synthetic pristine/val pairs (mild, severe) of kind-fast beside kind and
 *    the best classical chain (grid-searched on the same images, as in bench:quality).
 * 3. Super-resolution ×2 against ffmpeg lanczos and bicubic upscaling of the same degraded
 *    low-resolution pristine/val images (bench/models/sr.ts; target ≥ +1 dB over lanczos).
 *
 *   npm run bench:models                     # all 50 val images per severity
 *   npm run bench:models -- --limit 10       # a quicker run
 *   npm run bench:models -- --speed-only     # part 1 only
 *
 * Writes bench/results/models.{json,md}. Skips the parts whose shared data is absent.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../models/paths.js';
import { runCliPipeline } from '../cli-run.js';
import type { BenchContext } from '../quality/context.js';
import { secondsSince } from '../quality/exec.js';
import { benchSeverity } from '../quality/severity.js';
import { benchSr, srMarkdown } from './sr.js';

interface SpeedRow {
  method: string;
  frames: number;
  fps: number;
  note: string;
}

const limitArg = process.argv.indexOf('--limit');
const speedOnly = process.argv.includes('--speed-only');
const limit = limitArg > 0 ? Number(process.argv[limitArg + 1]) : 0;
const dataRoot = process.env.KIND_PIPE_DATA ?? join(projectRoot, '..', 'shared', 'data');
const work = mkdtempSync(join(tmpdir(), 'kind-pipe-bench-models-'));
const log = (message: string) => process.stderr.write(`[bench:models ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: `${cpus().length}× ${cpus()[0]?.model.trim() ?? 'cpu'}, node ${process.version}, load average ${loadavg()[0].toFixed(1)} at start`,
};

// 1. Speed at 1280×720: the real night clip upscaled (a 720p camera's frame size), 300 frames.
const road = join(dataRoot, 'video', 'night-road-640x360.mp4');
const clip = join(work, 'night-720p.mp4');
const source = existsSync(road)
  ? ['-stream_loop', '-1', '-i', road, '-vf', 'scale=1280:720:flags=bicubic']
  : ['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25,eq=brightness=-0.35,noise=alls=10:allf=t'];
execFileSync('ffmpeg', ['-v', 'error', '-y', ...source, '-frames:v', '300', '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', clip]);
const speed: SpeedRow[] = [];
{
  const start = performance.now();
  // The same encoder settings as cctv-night-fast.yaml (x264 ultrafast, crf 23).
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', clip, '-vf', 'eq=brightness=0.25:gamma=1.6,hqdn3d=4:3:6:4.5', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', join(work, 'classical.mp4')]);
  const seconds = secondsSince(start);
  speed.push({ method: 'ffmpeg eq + hqdn3d (reference)', frames: 300, fps: 300 / seconds, note: 'one ffmpeg process, x264 ultrafast' });
}
for (const [method, file, frames] of [
  ['kind-fast', 'pipelines/cctv-night-fast.yaml', 300],
  ['kind', 'pipelines/cctv-night.yaml', 6],
] as const) {
  log(`speed: ${method} at 1280×720, ${frames} frames`);
  const done = await runCliPipeline(file, [`input=${clip}`, `output=${join(work, `${method}.mp4`)}`, `decode.frames=${frames}`], method);
  const slowest = Object.entries(done.ms_per_frame).sort((a, b) => b[1] - a[1])[0];
  speed.push({ method, frames: done.frames, fps: done.frames / done.elapsed_s, note: `kind-pipe run ${file}; slowest stage ${slowest[0]} ${slowest[1].toFixed(1)} ms/frame; peak RSS ${done.peak_rss_mb} MB` });
}
results.speed = speed;

// 2. Quality on synthetic pairs.
const quality: Record<string, Record<string, { psnr: number; ssim: number }>> = {};
const val = join(dataRoot, 'pristine', 'val');
if (existsSync(val) && !speedOnly) {
  const seconds: Record<string, number> = {};
  const ctx: BenchContext = {
    cache: join(projectRoot, '.bench', 'quality'),
    benchDir: join(projectRoot, '.bench', 'models'), // contact sheets, not committed
    log,
    async timed(stage, work) {
      const start = performance.now();
      try {
        return await work();
      } finally {
        seconds[stage] = secondsSince(start);
      }
    },
  };
  mkdirSync(ctx.benchDir, { recursive: true });
  for (const severity of ['mild', 'severe']) {
    const r = await benchSeverity(ctx, val, severity, { seed: 1, limit, fresh: false, models: ['kind', 'kind-fast'] });
    quality[severity] = Object.fromEntries(Object.entries(r.methods).map(([m, x]) => [m, { psnr: x.psnr, ssim: x.ssim }]));
  }
  results.quality = quality;
} else log(`quality: skipped — ${val} is absent`);


// 3. Super-resolution ×2 against ffmpeg lanczos and bicubic.
log('super-resolution: sr-x2 against lanczos and bicubic');
const sr = speedOnly ? { skipped: '--speed-only' } : await benchSr({ dataRoot, limit, log });
results.sr = sr;

const lines = ['# Models benchmark', '', `${results.date as string} · ${results.machine as string}`, ''];
lines.push('## Speed at 1280×720 (decode → enhance → x264 encode)', '', '| method | frames | fps | × reference | how |', '| --- | ---: | ---: | ---: | --- |');
for (const row of speed) lines.push(`| ${row.method} | ${row.frames} | ${row.fps.toFixed(2)} | ${(row.fps / speed[0].fps).toFixed(3)} | ${row.note} |`);
if (Object.keys(quality).length) {
  lines.push('', `## Quality on synthetic pairs from pristine/val (${limit || 'all'} images per severity, seed 1)`, '', '| method | mild PSNR dB | mild SSIM | severe PSNR dB | severe SSIM |', '| --- | ---: | ---: | ---: | ---: |');
  for (const method of ['input', 'classical', 'kind', 'kind-fast']) {
    const cell = (s: string) => (quality[s]?.[method] ? `${quality[s][method].psnr.toFixed(2)} | ${quality[s][method].ssim.toFixed(4)}` : '— | —');
    lines.push(`| ${method === 'classical' ? 'classical (tuned on the set)' : method} | ${cell('mild')} | ${cell('severe')} |`);
  }
}
lines.push('', '## Super-resolution', '', 'skipped' in sr ? `skipped: ${sr.skipped}` : srMarkdown(sr));
lines.push('', 'Reproduce: `npm run bench:models`', '');
const outDir = join(projectRoot, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
const base = speedOnly ? 'models-speed' : 'models';
writeFileSync(join(outDir, `${base}.json`), JSON.stringify(results, null, 2) + '\n');
writeFileSync(join(outDir, `${base}.md`), lines.join('\n'));
process.stdout.write(lines.join('\n'));
log(`wrote bench/results/${base}.{json,md}`);
