#!/usr/bin/env node
/**
 * `npm run bench:realtime` (issue #18): is cctv-night-fast.yaml real time on this machine?
 *
 * On the two real night clips, on night-road made into a 1280×720 and a 1920×1080 clip and on
 * dim-indoor (a fixed camera) made into a 1280×720 one
 * (clips.ts), three whole processes take turns, each timed spawn to exit: kind-pipe running
 * cctv-night-fast.yaml, ffmpeg decode + x264 ultrafast alone (the I/O floor), and the ffmpeg
 * eq + hqdn3d + x264 chain. Then each part's CPU per frame (decode alone, encode alone, the
 * pipeline's enhance ms/frame) and the frame rate that CPU allows on this machine's cores; and
 * on the real clips, kind-fast's flicker and brightness pumping against the input's.
 * Writes bench/results/realtime.{json,md}.
 *
 *   npm run bench:realtime                                   # 300 frames a made clip, real clips whole, 2 rounds
 *   npm run bench:realtime -- --frames 96 --rounds 1         # quicker: every clip cut to 96 frames
 *
 * Skips (exit 0) with a message when ../shared/data (or $KIND_PIPE_DATA) has no night-road clip.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { projectRoot } from '../../models/paths.js';
import { commit, cpuName } from '../machine.js';
import { realFlicker } from '../video/real.js';
import { dimIndoor, madeClip, nightRoad, probeClip, type Clip } from './clips.js';
import { partCosts } from './parts.js';
import { pumping } from './pumping.js';
import { markdown, type Check, type ClipResult, type RealtimeResult } from './report.js';
import { timeClip } from './speed.js';
import { gnuTime, hasGnuTime } from './timed.js';

const argv = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
/** --frames N: every clip cut to N frames; by default 300 for the made clips, the real ones whole. */
const framesOption = arg('frames') === undefined ? undefined : Number(arg('frames'));
const rounds = Number(arg('rounds') ?? 2);
const log = (message: string) => process.stderr.write(`[bench:realtime ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

function framesFor(clip: Clip): number {
  return Math.min(clip.length, framesOption ?? (clip.made ? 300 : clip.length));
}

async function measure(clip: Clip, work: string): Promise<ClipResult> {
  const frames = framesFor(clip);
  log(`${clip.name}: ${clip.width}×${clip.height}, ${frames} of ${clip.length} frames, ${rounds} round(s)`);
  const speed = await timeClip(clip, frames, rounds, work, log);
  const parts = await partCosts(clip, frames, speed, work);
  const result: ClipResult = {
    clip: clip.name,
    size: `${clip.width}×${clip.height}`,
    made: clip.made,
    frames,
    speed: speed.runs,
    vsEqChain: speed.runs['kind-fast'].fps / speed.runs['eq-chain'].fps,
    vsFloor: speed.runs['kind-fast'].fps / speed.runs.floor.fps,
    doneLines: speed.doneLines.map((d) => d.text),
    parts,
  };
  if (!clip.made) {
    result.flicker = await realFlicker(clip.file, speed.kindFastOutput, clip.width, clip.height, frames);
    result.pumping = await pumping(clip.file, speed.kindFastOutput, clip.width, clip.height, frames);
    log(`${clip.name}: flicker ${result.flicker.flicker.toFixed(2)} (input ${result.flicker.inputFlicker.toFixed(2)}), pumping ${result.pumping.output.toFixed(3)} (input ${result.pumping.input.toFixed(3)})`);
  }
  return result;
}

/** Issue #18's "done when", line by line. */
function checks(clips: ClipResult[]): Check[] {
  const out: Check[] = [];
  const fullHd = clips.find((c) => c.made && c.size === '1920×1080');
  for (const hd of clips.filter((c) => c.made && c.size === '1280×720')) {
    const fps = hd.speed['kind-fast'].fps;
    out.push({ what: `${hd.clip}: end to end ≥ 30 fps as a whole process over ≥ 96 frames`, figure: `${fps.toFixed(1)} fps over ${hd.frames} frames`, pass: fps >= 30 && hd.frames >= 96 });
    out.push({ what: `${hd.clip}: ≥ 0.6× the ffmpeg eq + hqdn3d + x264 ultrafast chain in the same run`, figure: `${hd.vsEqChain.toFixed(2)}× (${hd.speed['eq-chain'].fps.toFixed(1)} fps)`, pass: hd.vsEqChain >= 0.6 });
  }
  if (fullHd) out.push({ what: '1920×1080 ≥ 15 fps', figure: `${fullHd.speed['kind-fast'].fps.toFixed(1)} fps over ${fullHd.frames} frames`, pass: fullHd.speed['kind-fast'].fps >= 15 });
  for (const c of clips.filter((x) => x.flicker)) {
    out.push({ what: `${c.clip}: kind-fast's flicker ≤ the input's`, figure: `${c.flicker!.flicker.toFixed(2)} vs ${c.flicker!.inputFlicker.toFixed(2)}`, pass: c.flicker!.flicker <= c.flicker!.inputFlicker });
  }
  return out;
}

async function main(): Promise<void> {
  if ((framesOption !== undefined && !(framesOption >= 1)) || !(rounds >= 1)) throw new Error('--frames and --rounds take a number ≥ 1, e.g. --frames 96 --rounds 1');
  if (!existsSync(nightRoad)) {
    process.stdout.write(`bench:realtime skipped: ${nightRoad} is absent (set KIND_PIPE_DATA)\n`);
    return;
  }
  if (!hasGnuTime) log(`${gnuTime} is absent (apt-get install time): wall times only, no CPU figures`);
  const loadAverage = loadavg()[0];
  const clips = [probeClip(basename(nightRoad), nightRoad, false)];
  if (existsSync(dimIndoor)) clips.push(probeClip(basename(dimIndoor), dimIndoor, false));
  else log(`${dimIndoor} is absent: that real clip is skipped`);
  clips.push(madeClip(nightRoad, 1280, 720), madeClip(nightRoad, 1920, 1080));
  if (existsSync(dimIndoor)) clips.push(madeClip(dimIndoor, 1280, 720));
  const work = mkdtempSync(join(tmpdir(), 'kind-pipe-bench-realtime-run-'));
  const results: ClipResult[] = [];
  try {
    for (const clip of clips) results.push(await measure(clip, work));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const result: RealtimeResult = { date: new Date().toISOString(), commit: commit(), machine: cpuName(), loadAverage, gnuTime: hasGnuTime, rounds, clips: results, checks: checks(results) };
  const folder = join(projectRoot, 'bench', 'results');
  writeFileSync(join(folder, 'realtime.json'), JSON.stringify(result, null, 2) + '\n');
  writeFileSync(join(folder, 'realtime.md'), markdown(result));
  process.stdout.write(markdown(result));
  log('wrote bench/results/realtime.{json,md}');
}

main().catch((error) => {
  process.stderr.write(`bench:realtime failed: ${error instanceof Error ? error.message : error}\n`);
  process.exitCode = 1;
});
