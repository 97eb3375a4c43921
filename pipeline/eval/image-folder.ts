import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, parse } from 'node:path';
import { KindPipeError } from '../../core/errors.js';
import { imageExtensions } from '../../core/media/still.js';

/**
 * The images of a folder by base name (file name without extension), e.g. `kodim01` →
 * `DIR/kodim01.png`. `flag` (such as `--pred`) names the folder in error messages. Throws
 * KindPipeError 'input' when the folder is missing, holds no image, or two files share a name.
 */
export function imagesByName(folder: string, flag: string): Map<string, string> {
  if (!existsSync(folder)) throw new KindPipeError('input', `${flag} ${folder} does not exist. Fix: give an existing folder of images`);
  if (!statSync(folder).isDirectory()) throw new KindPipeError('input', `${flag} ${folder} is a file, not a folder. Fix: give the folder that holds it`);
  const byName = new Map<string, string>();
  for (const file of readdirSync(folder).sort()) {
    if (!imageExtensions.includes(extname(file).toLowerCase())) continue;
    const name = parse(file).name;
    const other = byName.get(name);
    if (other) throw new KindPipeError('input', `${flag} ${folder} has two images named '${name}': ${parse(other).base} and ${file}. Fix: keep one of them`);
    byName.set(name, join(folder, file));
  }
  if (byName.size === 0) {
    throw new KindPipeError('input', `${flag} ${folder} holds no images (${imageExtensions.join(' ')}). Fix: point ${flag} at the folder the images were written to`);
  }
  return byName;
}
