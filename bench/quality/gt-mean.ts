import { join } from 'node:path';
import { decodeImage } from '../../core/media/still.js';
import { mapLimit } from '../../pipeline/eval/map-limit.js';
import { psnr } from '../../pipeline/eval/psnr.js';
import type { Rgb } from '../../pipeline/eval/rgb.js';
import { ssim } from '../../pipeline/eval/ssim.js';

/**
 * `image` scaled so its mean (over R, G, B) equals `reference`'s, rounded and clipped to 8 bits:
 * the "GT-mean" protocol of low-light papers, which scores structure and colour with exposure
 * taken out (issue #20: `kind` led the classical chain mostly by its exposure).
 */
export function matchMean(image: Rgb, reference: Rgb): Rgb {
  let a = 0;
  let b = 0;
  for (const v of image.data) a += v;
  for (const v of reference.data) b += v;
  const gain = a > 0 ? b / a : 1;
  return { width: image.width, height: image.height, data: image.data.map((v) => Math.min(255, Math.round(v * gain))) };
}

/** Mean PSNR and SSIM over `names` of each output of `predDir` with its mean matched to its ground truth in `gtDir`. */
export async function gtMeanScores(names: readonly string[], predDir: string, gtDir: string): Promise<{ psnr: number; ssim: number }> {
  const scores = await mapLimit(names, 2, async (name) => {
    const gt = await decodeImage(join(gtDir, `${name}.png`));
    const matched = matchMean(await decodeImage(join(predDir, `${name}.png`), gt), gt);
    return { psnr: psnr(matched, gt), ssim: ssim(matched, gt) };
  });
  return { psnr: scores.reduce((s, x) => s + x.psnr, 0) / scores.length, ssim: scores.reduce((s, x) => s + x.ssim, 0) / scores.length };
}
