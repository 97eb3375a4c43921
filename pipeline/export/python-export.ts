import { spawn } from 'node:child_process';
import { renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { KindPipeError } from '../../core/errors.js';
import { projectRoot } from '../../models/paths.js';
import type { KindRecipe } from './kind-chain.js';

/** The Python that has torch and onnx: Debian's, unless KIND_PIPE_PYTHON names another. */
export const exportPython = process.env.KIND_PIPE_PYTHON ?? '/usr/bin/python3';
const script = join(projectRoot, 'models', 'kind', 'train', 'export_pipeline.py');
/** export_pipeline.py's exit status when `import torch, onnx, numpy` fails. */
const missingModules = 17;

/** The network files of the recipe's model, as the registry lists them (sha256 already checked). */
export interface NetworkFiles {
  decom: string;
  restore: string;
  illum: string;
  /** The learned auto-exposure, for an illumination node in `mode: learned`. */
  exposure?: string;
}

/**
 * Writes the recipe as one ONNX graph to `out`, through models/kind/train/export_pipeline.py:
 * under a temp name beside `out`, renamed when complete, removed on failure.
 */
export async function exportWithPython(recipe: KindRecipe, files: NetworkFiles, out: string, meta: Record<string, string>): Promise<void> {
  const partial = join(dirname(out), `.${basename(out)}.partial-${process.pid}`);
  const args = [
    script,
    '--out', partial,
    '--decom', files.decom,
    '--restore', files.restore,
    '--illum', files.illum,
    '--normalize', recipe.normalize,
    ...ratioArgs(recipe.illumination, files),
    '--fusion', recipe.fusion,
    '--sigma', String(recipe.sigma),
    ...Object.entries(meta).flatMap(([key, value]) => ['--meta', `${key}=${value}`]),
  ];
  try {
    const { code, stderr } = await runPython(args);
    if (code === missingModules) {
      throw new KindPipeError(
        'input',
        `${exportPython} cannot import torch and onnx (${/No module named '[^']+'/.exec(stderr)?.[0] ?? lastLine(stderr)}). Fix: apt-get install python3-torch python3-onnx, or set KIND_PIPE_PYTHON to a Python that has them`,
      );
    }
    if (code !== 0) throw new KindPipeError('model', `export_pipeline.py failed (exit ${code}):\n    ${stderr.trim().split('\n').slice(-8).join('\n    ')}`);
    renameSync(partial, out);
  } finally {
    rmSync(partial, { force: true });
  }
}

function ratioArgs(illumination: KindRecipe['illumination'], files: NetworkFiles): string[] {
  if (illumination.mode === 'auto') return ['--auto-target', String(illumination.target)];
  if (illumination.mode === 'ratio') return ['--ratio', String(illumination.ratio)];
  if (!files.exposure) throw new KindPipeError('model', 'mode: learned needs the exposure network file');
  return ['--exposure', files.exposure, '--compensation', String(illumination.compensation)];
}

function runPython(args: string[]): Promise<{ code: number | string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(exportPython, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-20_000)));
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new KindPipeError(
          'input',
          `cannot start ${exportPython}: ${error.code ?? error.message}. Fix: apt-get install python3 python3-torch python3-onnx, or set KIND_PIPE_PYTHON to a Python that has torch and onnx`,
        ),
      ),
    );
    child.once('close', (code, signal) => resolve({ code: code ?? signal ?? -1, stderr }));
  });
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? 'no message';
}
