import { KindPipeError } from '../../core/errors.js';
import { imagesByName } from './image-folder.js';

/** A prediction and its ground truth, matched by base name. */
export interface ImagePair {
  name: string;
  pred: string;
  gt: string;
}

function listed(names: string[]): string {
  const shown = names.slice(0, 8).join(', ');
  return names.length > 8 ? `${shown} and ${names.length - 8} more` : shown;
}

/**
 * Pairs every image of `predDir` with the image of the same base name in `gtDir` (the extension
 * may differ: `kodim01.png` ↔ `kodim01.jpg`), sorted by name. Throws KindPipeError 'input' naming
 * the unmatched images on either side.
 */
export function matchPairs(predDir: string, gtDir: string): ImagePair[] {
  const pred = imagesByName(predDir, '--pred');
  const gt = imagesByName(gtDir, '--gt');
  const noGt = [...pred.keys()].filter((n) => !gt.has(n));
  const noPred = [...gt.keys()].filter((n) => !pred.has(n));
  if (noGt.length > 0 || noPred.length > 0) {
    const problems = [
      noGt.length ? `${noGt.length} image(s) in --pred ${predDir} have no ground truth in ${gtDir}: ${listed(noGt)}` : '',
      noPred.length ? `${noPred.length} ground truth image(s) in --gt ${gtDir} have no prediction in ${predDir}: ${listed(noPred)}` : '',
    ].filter(Boolean);
    throw new KindPipeError(
      'input',
      `${problems.join('; ')}. Fix: both folders must hold the same image names (matched without the extension); remove the extras or finish the run that writes them`,
    );
  }
  return [...pred.keys()].sort().map((name) => ({ name, pred: pred.get(name)!, gt: gt.get(name)! }));
}
