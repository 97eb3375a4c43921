import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PipelineCopy } from './job-data.js';

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

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

/** sha256 of a file, streamed (segment and output files are large). */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
