import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { extname, join, parse } from 'node:path';
import { probeImage } from '../../core/media/still.js';
import { ffmpegPath } from '../../core/media/tool.js';
import { evaluate } from '../../pipeline/eval/evaluate.js';
import { imageExtensions } from '../../core/media/still.js';
import { mapLimit } from '../../pipeline/eval/map-limit.js';
import type { NoReferenceScores } from '../../pipeline/eval/scores.js';
import { renderClassical, type ClassicalParams } from './classical.js';
import { contactSheet } from './contact-sheet.js';
import type { BenchContext } from './context.js';
import { runTool } from './exec.js';
import { runKind } from './kind-run.js';

/**
 * Copies `perFolder` photos from each of lowlight/{easy,medium,difficult} (the first and then
 * evenly spread by name) into `outDir` as PNG named `FOLDER-NAME.png`, scaled (area) so the long
 * side is at most `maxSide` and both sides are multiples of 8. Returns the names.
 */
export async function prepareLowlight(lowlightRoot: string, outDir: string, perFolder = 2, maxSide = 512): Promise<string[]> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const chosen: { file: string; name: string }[] = [];
  for (const folder of ['easy', 'medium', 'difficult']) {
    const files = readdirSync(join(lowlightRoot, folder))
      .filter((f) => imageExtensions.includes(extname(f).toLowerCase()))
      .sort();
    for (let i = 0; i < Math.min(perFolder, files.length); i++) {
      const file = files[Math.floor((i * files.length) / perFolder)];
      chosen.push({ file: join(lowlightRoot, folder, file), name: `${folder}-${parse(file).name}` });
    }
  }
  await mapLimit(chosen, 2, async ({ file, name }) => {
    const { width, height } = await probeImage(file);
    const s = Math.min(1, maxSide / Math.max(width, height));
    const w = Math.max(8, Math.floor((width * s) / 8) * 8);
    const h = Math.max(8, Math.floor((height * s) / 8) * 8);
    await runTool(ffmpegPath, ['-v', 'error', '-nostdin', '-y', '-i', file, '-vf', `scale=${w}:${h}:flags=area,format=rgb24`, '-frames:v', '1', join(outDir, `${name}.png`)]);
  });
  return chosen.map((c) => c.name);
}

export interface LowlightResult {
  images: string[];
  stats: Record<string, NoReferenceScores>;
  sheet: string;
}

/**
 * Real low-light photos, no ground truth: the input, the classical chain (`params`, as tuned on
 * synthetic pairs) and kind, with no-reference stats of each and `sheet-lowlight.png`.
 */
export async function benchLowlight(ctx: BenchContext, lowlightRoot: string, params: ClassicalParams): Promise<LowlightResult> {
  const dir = join(ctx.cache, 'lowlight');
  const folder = (method: string) => join(dir, method);
  const images = await prepareLowlight(lowlightRoot, folder('input'));
  await renderClassical(images, folder('input'), folder('classical'), params);
  await runKind('kind', folder('input'), folder('kind'));
  const methods = ['input', 'classical', 'kind'];
  const stats: Record<string, NoReferenceScores> = {};
  for (const method of methods) stats[method] = (await evaluate({ pred: folder(method) })).mean as NoReferenceScores;
  const sheet = 'sheet-lowlight.png';
  await contactSheet(images.map((name) => ({ tiles: methods.map((m) => join(folder(m), `${name}.png`)) })), methods, join(ctx.benchDir, sheet));
  return { images, stats, sheet };
}
