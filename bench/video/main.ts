#!/usr/bin/env node
/**
 * `npm run bench:video` (issue #16): static-camera clips with ground truth, made by
 * make_clips.py from pristine/val (moving objects, a lamp switching on, a panning camera), and
 * each method scored on them: PSNR/SSIM (mean over frames), PSNR inside the moving objects,
 * flicker where the ground truth stays the same, fps end to end (whole process) and peak RSS.
 * Methods: the dark input; per-frame KinD (cctv-night.yaml); the video mode (cctv-night-video.yaml:
 * temporal.denoise, then kind.regions); `denoise`, the same file recomputing every frame whole;
 * kind-fast; and the best ffmpeg temporal chain (hqdn3d/atadenoise + levels/gamma), grid-tuned on
 * the same clips. Writes bench/results/video.{json,md} and a contact sheet per size.
 *
 *   npm run bench:video                        # 640x360, 48 frames
 *   npm run bench:video -- --sizes 640x360,1280x720 --frames 48 --methods kind,video
 *   npm run bench:video -- --sizes 1280x720 --frames 32 --clips one-walker --methods kind,video --real-frames 0
 *   npm run bench:video -- --clips one-walker --methods video --video-sets still.threshold=3,regions.margin=48
 *
 * Clips are cached in .bench/video/. Skips (exit 0) with a message when ../shared/data is absent.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../models/paths.js';
import { runTool } from '../quality/exec.js';
import { contactSheet } from '../quality/contact-sheet.js';
import { python } from '../quality/pairs.js';
import { commit, cpuName } from '../machine.js';
import { realFlicker, type RealFlicker } from './real.js';
import { decodedFrames, score, type Clip, type Scores } from './score.js';

const data = process.env.KIND_PIPE_DATA ?? join(projectRoot, '..', 'shared', 'data');
const cache = join(projectRoot, '.bench', 'video');
const main = join(projectRoot, 'dist', 'pipeline', 'cli', 'main.js');

const argv = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const sizes = arg('sizes', '640x360').split(',').filter((s) => s !== 'none'); // none: only the real clips
const frames = Number(arg('frames', '48'));
const methods = arg('methods', 'input,kind,video,fast,ffmpeg').split(',');
const realFrames = Number(arg('real-frames', '96')); // 0: no real clips
const only = arg('clips', '').split(',').filter(Boolean); // e.g. one-walker,all-motion; default all

const pipelines: Record<string, string> = { kind: 'cctv-night.yaml', video: 'cctv-night-video.yaml', denoise: 'cctv-night-video.yaml', fast: 'cctv-night-fast.yaml' };
/** Options a method sets on its pipeline: `denoise` is the video mode recomputing every frame whole (temporal.denoise alone). */
const methodSets: Record<string, string[]> = { denoise: ['--set', 'regions.refresh=1'] };
// --video-sets still.threshold=3,regions.margin=48: options tried on the video mode's pipeline.
methodSets.video = arg('video-sets', '').split(',').filter(Boolean).flatMap((set) => ['--set', set]);
const titles: Record<string, string> = { input: 'dark input', kind: 'kind, per frame', video: 'kind, video mode', denoise: 'kind, denoised input, every frame whole', fast: 'kind-fast', ffmpeg: 'ffmpeg temporal chain (tuned)' };

interface Row extends Scores {
  clip: string;
  size: string;
  method: string;
  fps?: number;
  peakRssMb?: number;
  detail?: string;
}

/** One pipeline run as a user runs it; the output nearly lossless so that the score is the method's. */
async function runPipeline(method: string, clip: Pick<Clip, 'input' | 'name' | 'frames'>, out: string, extra: string[] = []): Promise<{ fps: number; peakRssMb: number }> {
  const started = performance.now();
  const args = [main, 'run', join(projectRoot, 'pipelines', pipelines[method]), '--set', `input=${clip.input}`, '--set', `output=${out}`, ...(methodSets[method] ?? []), ...extra];
  args.push('--set', 'encode.crf=0', '--set', 'encode.pix_fmt=yuv444p', '--set', 'encode.preset=ultrafast', '--no-manifest', '--log', 'json');
  const stderr = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let text = '';
    child.stderr.on('data', (d) => (text += d));
    child.once('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`${method} on ${clip.name}: exit ${code}\n${text.slice(-2000)}`))));
  });
  const wall = (performance.now() - started) / 1000;
  const done = stderr.split('\n').filter((l) => l.includes('"done"')).map((l) => JSON.parse(l)).pop();
  return { fps: clip.frames / wall, peakRssMb: done?.peak_rss_mb ?? Number.NaN };
}

/** The ffmpeg chains searched: a temporal denoiser, then a stretch and gamma, as a user would try. */
function ffmpegGrid(): string[] {
  const grid: string[] = [];
  for (const denoise of ['hqdn3d=4:6:8:12', 'hqdn3d=6:9:16:24', 'hqdn3d=8:12:30:45', 'atadenoise=0a=0.04:0b=0.08:1a=0.04:1b=0.08:2a=0.04:2b=0.08:s=9']) {
    for (const gain of [4, 6, 9, 13]) {
      for (const gamma of [1, 1.4, 1.9]) {
        const level = +(1 / gain).toFixed(4);
        grid.push(`format=yuv444p,${denoise},format=rgb24,colorlevels=rimax=${level}:gimax=${level}:bimax=${level},lutrgb=r=gammaval(${+(1 / gamma).toFixed(4)}):g=gammaval(${+(1 / gamma).toFixed(4)}):b=gammaval(${+(1 / gamma).toFixed(4)})`);
      }
    }
  }
  return grid;
}

async function ensureClips(size: string): Promise<Clip[]> {
  const listing = join(cache, `clips-${size}.json`);
  const clips = existsSync(listing) ? (JSON.parse(readFileSync(listing, 'utf8')) as Clip[]) : [];
  if (clips.length === 0 || clips[0].frames !== frames) {
    process.stderr.write(`making the ${size} clips (${frames} frames each)…\n`);
    await runTool(python, [join(projectRoot, 'bench', 'video', 'make_clips.py'), '--val', join(data, 'pristine', 'val'), '--out', cache, '--size', size, '--frames', String(frames)]);
    return JSON.parse(readFileSync(listing, 'utf8')) as Clip[];
  }
  return clips;
}

/** Frame `index` of a video as a PNG, for the contact sheet. */
async function still(video: string, index: number, png: string, raw?: { width: number; height: number }): Promise<string> {
  const input = raw ? ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${raw.width}x${raw.height}`, '-i', video] : ['-i', video];
  await runTool('ffmpeg', ['-v', 'error', '-y', ...input, '-vf', `select=eq(n\\,${index})`, '-frames:v', '1', png]);
  return png;
}

async function main_(): Promise<void> {
  if (!existsSync(join(data, 'pristine', 'val'))) {
    process.stdout.write(`bench:video skipped: ${join(data, 'pristine', 'val')} is absent (set KIND_PIPE_DATA)\n`);
    return;
  }
  mkdirSync(cache, { recursive: true });
  const rows: Row[] = [];
  const chains: Record<string, string> = {};
  for (const size of sizes) {
    const clips = (await ensureClips(size)).filter((clip) => only.length === 0 || only.includes(clip.name));
    const sheet: { tiles: string[] }[] = [];
    let best: { chain: string; psnr: number } | undefined;
    if (methods.includes('ffmpeg')) {
      for (const chain of ffmpegGrid()) {
        let sum = 0;
        for (const clip of clips) sum += (await score(clip, decodedFrames(clip.input, clip.width, clip.height, chain), false)).psnr;
        if (!best || sum / clips.length > best.psnr) best = { chain, psnr: sum / clips.length };
      }
      chains[size] = best!.chain;
      process.stderr.write(`${size}: best ffmpeg chain ${best!.chain} (${best!.psnr.toFixed(2)} dB mean)\n`);
    }
    for (const clip of clips) {
      const tiles = [await still(clip.clean, clip.frames >> 1, join(cache, `${clip.name}-${size}-truth.png`), clip)];
      for (const method of methods) {
        const out = join(cache, `${clip.name}-${size}-${method}.mkv`);
        let timing: { fps: number; peakRssMb: number } | undefined;
        let scores: Scores;
        if (method === 'input') scores = await score(clip, decodedFrames(clip.input, clip.width, clip.height));
        else if (method === 'ffmpeg') {
          const started = performance.now();
          await runTool('ffmpeg', ['-v', 'error', '-y', '-i', clip.input, '-vf', best!.chain, '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '0', '-pix_fmt', 'yuv444p', out]);
          timing = { fps: clip.frames / ((performance.now() - started) / 1000), peakRssMb: Number.NaN };
          scores = await score(clip, decodedFrames(out, clip.width, clip.height));
        } else {
          timing = await runPipeline(method, clip, out);
          scores = await score(clip, decodedFrames(out, clip.width, clip.height));
        }
        tiles.push(await still(method === 'input' ? clip.input : out, clip.frames >> 1, join(cache, `${clip.name}-${size}-${method}.png`)));
        const row: Row = { clip: clip.name, size, method, ...scores, ...(timing && { fps: timing.fps, peakRssMb: timing.peakRssMb }) };
        rows.push(row);
        process.stderr.write(`${size} ${clip.name} ${method}: ${scores.psnr.toFixed(2)} dB (GT-mean ${scores.psnrMatched.toFixed(2)}), SSIM ${scores.ssim.toFixed(3)}, moving ${scores.psnrMoving.toFixed(2)} dB, flicker ${scores.flicker.toFixed(2)}${timing ? `, ${timing.fps.toFixed(2)} fps, ${timing.peakRssMb} MB` : ''}\n`);
        if (method !== 'input') rmSync(out, { force: true });
      }
      sheet.push({ tiles });
    }
    await contactSheet(sheet, ['ground truth', ...methods.map((m) => titles[m])], join(projectRoot, 'bench', 'results', `video-sheet-${size}.png`), 120);
  }
  const real = realFrames > 0 ? await realClips() : [];
  // A run of some sizes (or none, or without the real clips) keeps the other figures of the last run.
  const resultsFile = join(projectRoot, 'bench', 'results', 'video.json');
  const last = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as { rows?: Row[]; real?: RealRow[]; ffmpegChains?: Record<string, string> }) : {};
  const kept = (last.rows ?? []).filter((row) => !sizes.includes(row.size));
  const result = {
    date: new Date().toISOString(),
    commit: commit(),
    machine: cpuName(),
    frames,
    ffmpegChains: { ...last.ffmpegChains, ...chains },
    rows: [...kept, ...rows],
    real: realFrames > 0 ? real : (last.real ?? []),
  };
  writeFileSync(resultsFile, JSON.stringify(result, null, 2) + '\n');
  writeFileSync(join(projectRoot, 'bench', 'results', 'video.md'), markdown(result));
  process.stdout.write(markdown(result));
}

interface RealRow extends RealFlicker {
  clip: string;
  method: string;
  fps: number;
  peakRssMb: number;
}

/**
 * The real night clips (no ground truth): the first `realFrames` frames through each pipeline,
 * flicker where the input stays still (real.ts) beside the input's own, fps and peak RSS, and a
 * contact sheet of the middle frame.
 */
async function realClips(): Promise<RealRow[]> {
  const folder = join(data, 'video');
  const rows: RealRow[] = [];
  const sheet: { tiles: string[] }[] = [];
  const used = methods.filter((m) => m in pipelines);
  for (const name of ['night-road-640x360.mp4', 'dim-indoor-848x478.mp4']) {
    const input = join(folder, name);
    if (!existsSync(input)) continue;
    const probe = JSON.parse((await runTool('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'json', input])).stdout.toString()).streams[0] as { width: number; height: number };
    const tiles = [await still(input, realFrames >> 1, join(cache, `${name}-input.png`))];
    for (const method of used) {
      const out = join(cache, `${name}-${method}.mkv`);
      const timing = await runPipeline(method, { input, name, frames: realFrames }, out, ['--set', `decode.frames=${realFrames}`]);
      const flicker = await realFlicker(input, out, probe.width, probe.height, realFrames);
      rows.push({ clip: name, method, ...flicker, ...timing });
      process.stderr.write(`${name} ${method}: flicker ${flicker.flicker.toFixed(2)} (input ${flicker.inputFlicker.toFixed(2)}, still ${(100 * flicker.stillShare).toFixed(0)} %), ${timing.fps.toFixed(2)} fps, ${timing.peakRssMb} MB\n`);
      tiles.push(await still(out, realFrames >> 1, join(cache, `${name}-${method}.png`)));
      rmSync(out, { force: true });
    }
    sheet.push({ tiles });
  }
  if (sheet.length > 0) await contactSheet(sheet, ['input', ...used.map((m) => titles[m])], join(projectRoot, 'bench', 'results', 'video-sheet-real.png'), 160);
  return rows;
}

function markdown(r: { date: string; machine: string; frames: number; ffmpegChains: Record<string, string>; rows: Row[]; real: RealRow[] }): string {
  const f = (x: number | null | undefined, d: number) => (x === undefined || x === null || Number.isNaN(x) ? '–' : x.toFixed(d)); // JSON keeps NaN as null
  const lines = [
    `# bench:video — ${r.date.slice(0, 10)}, ${r.machine}, ${r.frames} frames a clip`,
    '',
    '| size | clip | method | PSNR dB | GT-mean PSNR dB | SSIM | PSNR moving dB | flicker | fps | peak RSS MB |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...r.rows.map((x) => `| ${x.size} | ${x.clip} | ${titles[x.method]} | ${f(x.psnr, 2)} | ${f(x.psnrMatched, 2)} | ${f(x.ssim, 3)} | ${f(x.psnrMoving, 2)} | ${f(x.flicker, 2)} | ${f(x.fps, 2)} | ${f(x.peakRssMb, 0)} |`),
    '',
    ...Object.entries(r.ffmpegChains).map(([size, chain]) => `ffmpeg chain tuned at ${size}: \`${chain}\``),
    '',
  ];
  if (r.real.length > 0) {
    lines.push('Real clips (no ground truth; flicker where the input stays still, the input\'s own scaled by the output\'s brightness):', '');
    lines.push('| clip | method | flicker | input flicker | still share | fps | peak RSS MB |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const x of r.real) lines.push(`| ${x.clip} | ${titles[x.method]} | ${f(x.flicker, 2)} | ${f(x.inputFlicker, 2)} | ${f(100 * x.stillShare, 0)} % | ${f(x.fps, 2)} | ${f(x.peakRssMb, 0)} |`);
    lines.push('');
  }
  return lines.join('\n');
}

main_().catch((error) => {
  process.stderr.write(`bench:video failed: ${error instanceof Error ? error.message : error}\n`);
  process.exitCode = 1;
});
