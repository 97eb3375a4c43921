import { KindPipeError } from '../../core/errors.js';
import { decodeImage } from '../../core/media/still.js';
import { requireFfmpeg } from '../../core/media/tool.js';
import { imagesByName } from './image-folder.js';
import { mapLimit } from './map-limit.js';
import { matchPairs } from './pairs.js';
import { meanScores, noReferenceScores, referenceScores, type NoReferenceScores, type ReferenceScores } from './scores.js';

export interface EvalOptions {
  /** Folder of enhanced images. */
  pred: string;
  /** Folder of ground-truth images with the same base names; without it, no-reference stats. */
  gt?: string;
  /** Images decoded and scored at once, i.e. ffmpeg processes at most (default 2). */
  concurrency?: number;
}

export interface ImageEval<S> {
  name: string;
  width: number;
  height: number;
  scores: S;
}

export type EvalReport =
  | { mode: 'reference'; pred: string; gt: string; images: ImageEval<ReferenceScores>[]; mean: ReferenceScores }
  | { mode: 'no-reference'; pred: string; images: ImageEval<NoReferenceScores>[]; mean: NoReferenceScores };

/**
 * Scores a folder of enhanced images: with `gt`, PSNR / SSIM / LOE of each image against the
 * ground truth of the same base name, and their means; without, mean luma, noise σ and
 * colourfulness of each image. Computing only — `formatText` / `formatJson` render the report.
 * Throws KindPipeError 'input' for a missing or empty folder, an unmatched name on either side, or
 * a pair whose sizes differ.
 *
 * ```ts
 * const report = await evaluate({ pred: 'enhanced/', gt: 'pairs/gt/' });
 * console.log(formatText(report)); // … mean  21.43 dB  0.712  143.2
 * ```
 */
export async function evaluate(options: EvalOptions): Promise<EvalReport> {
  requireFfmpeg();
  const concurrency = options.concurrency ?? 2;
  if (options.gt === undefined) {
    const files = [...imagesByName(options.pred, '--pred')].sort(([a], [b]) => a.localeCompare(b));
    const images = await mapLimit(files, concurrency, async ([name, file]) => {
      const image = await decodeImage(file);
      return { name, width: image.width, height: image.height, scores: noReferenceScores(image) };
    });
    return { mode: 'no-reference', pred: options.pred, images, mean: meanScores(images.map((i) => i.scores)) };
  }
  const pairs = matchPairs(options.pred, options.gt);
  const images = await mapLimit(pairs, concurrency, async (pair) => {
    const pred = await decodeImage(pair.pred); // one after the other: `concurrency` bounds the ffmpeg processes
    const gt = await decodeImage(pair.gt);
    if (pred.width !== gt.width || pred.height !== gt.height) {
      throw new KindPipeError(
        'input',
        `'${pair.name}': the prediction ${pair.pred} is ${pred.width}×${pred.height} but the ground truth ${pair.gt} is ${gt.width}×${gt.height}. ` +
          'Fix: the enhanced image must keep the size of its ground truth (crop or resize it, or regenerate the pair)',
      );
    }
    return { name: pair.name, width: gt.width, height: gt.height, scores: referenceScores(pred, gt) };
  });
  return { mode: 'reference', pred: options.pred, gt: options.gt, images, mean: meanScores(images.map((i) => i.scores)) };
}
