import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sha256 } from '../../core/util/hash.js';
import type { PipelineCopy } from './job-data.js';

/** The pipeline as the submitter read it. */
export function pipelineCopy(file: string): PipelineCopy {
  const text = readFileSync(file, 'utf8');
  return { path: resolve(file), text, sha256: sha256(text) };
}

/**
 * The file a worker runs: the submitter's own where this machine sees it with the same text (so
 * messages name the file the user wrote), else a copy in the job's folder.
 */
export function pipelineOnThisMachine(copy: PipelineCopy, workDir: string): string {
  try {
    if (existsSync(copy.path) && sha256(readFileSync(copy.path, 'utf8')) === copy.sha256) return copy.path;
  } catch {
    // unreadable here: use the copy
  }
  const local = join(workDir, `pipeline-${copy.sha256.slice(0, 12)}.yaml`);
  if (!existsSync(local)) {
    const temp = `${local}.${process.pid}.tmp`;
    writeFileSync(temp, copy.text);
    renameSync(temp, local);
  }
  return local;
}
