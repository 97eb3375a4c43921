import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../models/paths.js';
import { runTool, secondsSince } from './exec.js';

export const cliPath = join(projectRoot, 'dist', 'pipeline', 'cli', 'main.js');

export interface KindRun {
  /** Wall time of the whole CLI run, including start-up and model loading. */
  seconds: number;
  /** The CLI's own `done:` line (frames, fps, ms/frame per stage). */
  summary: string;
}

/** The stills pipeline that runs each benchmarked model, and its --set overrides. */
function stillsPipeline(model: string): { file: string; sets: string[] } {
  if (model === 'kind-fast') return { file: 'pipelines/stills-fast.yaml', sets: [] };
  return { file: 'pipelines/stills.yaml', sets: ['decom', 'restore', 'illum'].map((node) => `${node}.model=${model}`) };
}

/**
 * Enhances every image of `inputDir` into `outDir` with the stills pipeline of one registered
 * model, as a user would: `kind-pipe run pipelines/stills.yaml --set …model=MODEL`
 * (pipelines/stills-fast.yaml for kind-fast).
 */
export async function runKind(model: string, inputDir: string, outDir: string): Promise<KindRun> {
  rmSync(outDir, { recursive: true, force: true });
  const start = performance.now();
  const pipeline = stillsPipeline(model);
  const sets = ['input=' + inputDir, 'output=' + outDir, ...pipeline.sets];
  const { stderr } = await runTool(process.execPath, [cliPath, 'run', pipeline.file, ...sets.flatMap((s) => ['--set', s])], { cwd: projectRoot });
  const summary = stderr.split('\n').find((l) => l.startsWith('done:')) ?? '';
  return { seconds: secondsSince(start), summary: summary.replace(/^done: /, '') };
}

export interface NetworkInfo {
  /** First 12 hex digits of the weights' sha256. */
  sha256: string;
  trained: boolean;
  steps: number;
}

export interface ModelInfo {
  trained: boolean;
  networks: Record<string, NetworkInfo>;
}

/** What `kind-pipe models --json` says about each model, so results name the weights they measured. */
export async function modelInfo(): Promise<Record<string, ModelInfo>> {
  const { stdout } = await runTool(process.execPath, [cliPath, 'models', '--json'], { cwd: projectRoot });
  const entries = JSON.parse(stdout.toString()) as { id: string; trained: boolean; networks: Record<string, { sha256: string; trained: boolean; steps?: number }> }[];
  return Object.fromEntries(
    entries.map((e) => [
      e.id,
      {
        trained: e.trained,
        networks: Object.fromEntries(Object.entries(e.networks).map(([role, n]) => [role, { sha256: n.sha256.slice(0, 12), trained: n.trained, steps: n.steps ?? 0 }])),
      },
    ]),
  );
}
