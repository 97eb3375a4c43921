import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { projectRoot } from '../../models/paths.js';
import { runTool } from './exec.js';

export const python = process.env.KIND_PIPE_PYTHON ?? '/usr/bin/python3';
const makePairs = join(projectRoot, 'scripts', 'make-pairs.py');
const degradePy = join(projectRoot, 'models', 'kind', 'train', 'degrade.py');

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

export interface PairSet {
  dir: string;
  low: string;
  gt: string;
  reused: boolean;
}

/**
 * Synthetic pairs for one severity under `cacheRoot`, made by scripts/make-pairs.py. A previous
 * set is reused when its pairs.json records the same source, severity, seed, limit and the same
 * degrade.py and make-pairs.py (by sha256); otherwise it is rebuilt.
 */
export async function ensurePairs(cacheRoot: string, src: string, severity: string, seed: number, limit: number, fresh: boolean): Promise<PairSet> {
  const dir = join(cacheRoot, 'pairs', `${severity}-seed${seed}-${limit > 0 ? `n${limit}` : 'all'}`);
  const set = { dir, low: join(dir, 'low'), gt: join(dir, 'gt') };
  const manifestFile = join(dir, 'pairs.json');
  if (!fresh && existsSync(manifestFile)) {
    const m = JSON.parse(readFileSync(manifestFile, 'utf8'));
    if (m.src === resolve(src) && m.severity === severity && m.seed === seed && m.limit === limit && m.degrade_sha256 === sha256(degradePy) && m.make_pairs_sha256 === sha256(makePairs)) {
      return { ...set, reused: true };
    }
  }
  rmSync(dir, { recursive: true, force: true });
  const args = [makePairs, '--src', src, '--out', dir, '--severity', severity, '--seed', String(seed), '--limit', String(limit)];
  try {
    await runTool(python, args);
  } catch (error) {
    throw new Error(`making ${severity} pairs failed (${python} needs numpy and PIL; set KIND_PIPE_PYTHON to another interpreter): ${(error as Error).message}`);
  }
  return { ...set, reused: false };
}
