import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The kind-pipe checkout or installed package root (holds models/, pipelines/). */
export const projectRoot: string = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'kind-pipe') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the kind-pipe package root above ${start}`);
    dir = parent;
  }
}
