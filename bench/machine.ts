import { execFileSync } from 'node:child_process';
import { projectRoot } from '../models/paths.js';

/** `AMD EPYC … × 2`: what a benchmark's figures were measured on. */
export function cpuName(): string {
  try {
    return execFileSync('sh', ['-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], { encoding: 'utf8' }).trim() + ` × ${execFileSync('nproc', { encoding: 'utf8' }).trim()}`;
  } catch {
    return 'unknown';
  }
}

/** The short commit the figures belong to. */
export function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: projectRoot, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}
