import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage, encodePng } from '../../core/media/still.js';
import { ffmpegPath } from '../../core/media/tool.js';
import { mapLimit } from '../../pipeline/eval/map-limit.js';
import { renderClassical, type ClassicalParams } from './classical.js';
import { contactSheet } from './contact-sheet.js';
import type { BenchContext } from './context.js';
import { runTool } from './exec.js';
import { runKind } from './kind-run.js';
import { prepareLowlight } from './lowlight.js';
import { greyBlocks, realFootageScores, stretch, type RealFootageScores } from './no-reference.js';

/** The methods of the real-footage table, in column order; `stretched` is the dark input after the min-max stretch. */
export const realFootageMethods = ['stretched', 'classical', 'kind', 'kind-lite', 'kind-fast'] as const;

export const clips = ['night-road-640x360.mp4', 'dim-indoor-848x478.mp4'];
/** Seconds into each clip of the frames taken (both clips are ~7 s). */
export const frameTimes = [1, 3, 5];

export interface RealFootageGroup {
  images: string[];
  /** Per method: mean scores, and the mean per-image sharpness over the classical chain's. */
  methods: Record<string, (RealFootageScores & { sharpnessVsClassical: number; blackLift: number }) | { error: string }>;
}

export interface RealFootageResult {
  classical: ClassicalParams;
  groups: Record<'photos' | 'video', RealFootageGroup>;
  sheet: string;
}

/** Frames at `frameTimes` of each clip in `videoRoot`, as `CLIP-tSECONDS.png` at the clip's own size. */
async function prepareFrames(videoRoot: string, outDir: string): Promise<string[]> {
  const jobs = clips.filter((clip) => existsSync(join(videoRoot, clip))).flatMap((clip) => frameTimes.map((t) => ({ clip, t, name: `${clip.split('-').slice(0, 2).join('-')}-t${t}` })));
  await mapLimit(jobs, 2, ({ clip, t, name }) =>
    runTool(ffmpegPath, ['-v', 'error', '-nostdin', '-y', '-ss', String(t), '-i', join(videoRoot, clip), '-frames:v', '1', '-pix_fmt', 'rgb24', join(outDir, `${name}.png`)]),
  );
  return jobs.map((j) => j.name);
}

const mean = (values: number[]) => {
  const finite = values.filter((v) => Number.isFinite(v));
  return finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : NaN;
};

/**
 * Real footage without ground truth (issue #20 part 2): photos of `lowlight/` and frames of the
 * night clips, each through the classical chain (`params`, as tuned on the synthetic pairs),
 * kind, kind-lite and kind-fast (the stills pipelines), scored for black level, grey-region
 * colour, sharpness and exposure beside the stretched dark input; `sheetFile` shows them.
 */
export async function benchRealFootage(ctx: BenchContext, dataRoot: string, params: ClassicalParams, sheetFile: string): Promise<RealFootageResult> {
  const dir = join(ctx.cache, 'real-footage');
  const folder = (method: string) => join(dir, method);
  rmSync(dir, { recursive: true, force: true });
  const photos = existsSync(join(dataRoot, 'lowlight')) ? await prepareLowlight(join(dataRoot, 'lowlight'), folder('input')) : [];
  mkdirSync(folder('input'), { recursive: true });
  const frames = existsSync(join(dataRoot, 'video')) ? await prepareFrames(join(dataRoot, 'video'), folder('input')) : [];
  const names = [...photos, ...frames];
  if (!names.length) throw new Error(`no photos in ${join(dataRoot, 'lowlight')} and no clips in ${join(dataRoot, 'video')}`);
  ctx.log(`real footage: ${photos.length} photos, ${frames.length} video frames`);

  mkdirSync(folder('stretched'), { recursive: true });
  const grey = new Map<string, Uint8Array>();
  await mapLimit(names, 2, async (name) => {
    const s = stretch(await decodeImage(join(folder('input'), `${name}.png`)));
    grey.set(name, greyBlocks(s));
    await encodePng(join(folder('stretched'), `${name}.png`), s);
  });
  await renderClassical(names, folder('input'), folder('classical'), params);
  const errors: Record<string, string> = {};
  for (const model of ['kind', 'kind-lite', 'kind-fast']) {
    try {
      const run = await runKind(model, folder('input'), folder(model));
      ctx.log(`real footage: ${model} ${run.seconds} s`);
    } catch (error) {
      errors[model] = (error as Error).message;
      ctx.log(`real footage: ${model} FAILED: ${errors[model]}`);
    }
  }

  const scores = new Map<string, RealFootageScores>();
  for (const method of realFootageMethods) {
    if (errors[method]) continue;
    await mapLimit(names, 2, async (name) => scores.set(`${method}/${name}`, realFootageScores(await decodeImage(join(folder(method), `${name}.png`)), grey.get(name)!)));
  }
  const group = (images: string[]): RealFootageGroup => {
    const methods: RealFootageGroup['methods'] = {};
    for (const method of realFootageMethods) {
      if (errors[method]) {
        methods[method] = { error: errors[method] };
        continue;
      }
      const of = (name: string) => scores.get(`${method}/${name}`)!;
      const keys = Object.keys(of(images[0])) as (keyof RealFootageScores)[];
      const m = Object.fromEntries(keys.map((k) => [k, mean(images.map((n) => of(n)[k]))])) as unknown as RealFootageScores;
      methods[method] = {
        ...m,
        sharpnessVsClassical: mean(images.map((n) => of(n).sharpness / scores.get(`classical/${n}`)!.sharpness)),
        blackLift: mean(images.map((n) => of(n).blackLevel - scores.get(`stretched/${n}`)!.blackLevel)),
      };
    }
    return { images, methods };
  };

  const shown = realFootageMethods.filter((m) => !errors[m]);
  const rows = [...photos.filter((_, i) => i % 2 === 0), ...frames.filter((_, i) => i % 3 !== 2)];
  await contactSheet(rows.map((name) => ({ tiles: shown.map((m) => join(folder(m), `${name}.png`)) })), shown, sheetFile, 150);
  return { classical: params, groups: { photos: group(photos), video: group(frames) }, sheet: sheetFile };
}

const f = (v: number | undefined, digits: number) => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));

/** The markdown table of a real-footage result, one block per group. */
export function realFootageMarkdown(r: RealFootageResult, header: string): string {
  const lines = [header, ''];
  for (const [name, g] of Object.entries(r.groups)) {
    if (!g.images.length) continue;
    lines.push(`**${name}** (${g.images.length}: ${g.images.join(', ')})`, '');
    lines.push('| method | black level (1st pct luma) | lift over stretched input | grey R/G | grey B/G | grey cast % | grey share | sharpness | vs classical | mean luma |');
    lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const [method, m] of Object.entries(g.methods)) {
      if ('error' in m) lines.push(`| ${method} | failed: ${m.error.split('\n')[0].slice(0, 120)} |`);
      else lines.push(`| ${method} | ${f(m.blackLevel, 1)} | ${f(m.blackLift, 1)} | ${f(m.greyRG, 3)} | ${f(m.greyBG, 3)} | ${f(m.greyCast, 1)} | ${f(m.greyShare, 2)} | ${f(m.sharpness, 3)} | ${f(m.sharpnessVsClassical, 2)} | ${f(m.meanLuma, 1)} |`);
    }
    lines.push('');
  }
  lines.push(
    'Black level: 1st percentile of BT.601 luma (0..255), and its lift over the stretched dark input\'s (a veil lifts it). Grey: 8×8 blocks of the stretched input whose mean has max−min of R, G, B under 10 % of its luma (luma 16..235); R/G and B/G of the output summed over them, cast = the larger deviation from 1. Sharpness: mean |∇Y| / mean Y (forward differences), and per image over the classical chain\'s. Means over images (grey figures over those with grey blocks).',
    '',
  );
  return lines.join('\n');
}

/** Writes `results/no-reference.{json,md}` beside the sheet. */
export function writeRealFootage(r: RealFootageResult, resultsDir: string, header: string): void {
  writeFileSync(join(resultsDir, 'no-reference.json'), JSON.stringify(r, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
  writeFileSync(join(resultsDir, 'no-reference.md'), realFootageMarkdown(r, header));
}
