import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { KindPipeError } from '../../core/errors.js';
import { buildGraph } from '../../core/graph/builder.js';
import { ModelRegistry } from '../../core/model.js';
import { pluginTable } from '../../core/plugin-table.js';
import type { Services } from '../../core/stage/plugin.js';
import { exitCodes } from '../cli/exit-codes.js';
import { Reporter } from '../cli/reporter.js';
import { createContainer } from '../container.js';
import { asY4mFilter } from '../filter/as-y4m-filter.js';
import { loadPipeline } from '../load.js';
import { exportUsage, parseExportArgs } from './export-args.js';
import { kindRecipe, type KindRecipe } from './kind-chain.js';
import { exportWithPython, type NetworkFiles } from './python-export.js';

/**
 * `kind-pipe export FILE --onnx OUT.onnx`: the pipeline's KinD enhancement as one ONNX graph
 * (input/output f32[1,3,H,W], 0..1 RGB) for FFmpeg dnn_processing, DeepStream and OpenVINO.
 * The graph is validated like `kind-pipe run` would, without opening its input or output.
 */
export async function runExportCommand(argv: string[]): Promise<number> {
  const args = parseExportArgs(argv);
  if (args.help) {
    process.stdout.write(`${exportUsage}\n`);
    return exitCodes.ok;
  }
  const reporter = new Reporter('text');
  const container = createContainer();
  const services: Services = { get: (token) => container.get(token) };
  const plugins = pluginTable(container);
  const spec = loadPipeline(args.file, args.sets);
  const ends = (role: string) => spec.nodes.filter((n) => plugins.get(n.plugin)?.role === role);
  if (spec.nodes.every((n) => plugins.has(n.plugin)) && (ends('source').length !== 1 || ends('sink').length !== 1)) {
    throw new KindPipeError('config', `${args.file}: kind-pipe export needs a pipeline with one source and one sink around the KinD chain; it has ${ends('source').length} sources and ${ends('sink').length} sinks`);
  }
  // The source and sink stand for the runtime that will feed the graph: y4m on stdin/stdout
  // stand-ins let the builder check everything else without opening the pipeline's files.
  const graph = buildGraph(asY4mFilter(spec, plugins), plugins, services);
  const recipe = kindRecipe(graph);
  const out = resolve(args.out);
  if (!existsSync(dirname(out)) || !statSync(dirname(out)).isDirectory()) throw new KindPipeError('output', `output folder ${dirname(out)} does not exist. Fix: mkdir -p ${dirname(out)}, or choose another path`);
  if (existsSync(out) && statSync(out).isDirectory()) throw new KindPipeError('output', `output ${out} is a folder. Fix: name an .onnx file`);

  const entry = container.get<ModelRegistry>(ModelRegistry).get(recipe.model);
  const files = {} as NetworkFiles;
  const hashes: string[] = [];
  // file slot → registry role (the learned exposure slot takes the net the node names)
  const roles: [keyof NetworkFiles, string][] = [['decom', 'decom'], ['restore', 'restore'], ['illum', 'illum']];
  if (recipe.illumination.mode === 'learned') roles.push(['exposure', recipe.illumination.net]);
  for (const [slot, role] of roles) {
    const network = entry.networks[role];
    if (!network) throw new KindPipeError('model', `model '${recipe.model}' has no '${role}' network (it has ${Object.keys(entry.networks).join(', ')})`);
    const sha256 = fileSha256(network.file);
    if (sha256 !== network.sha256) {
      throw new KindPipeError('model', `model '${recipe.model}': ${network.file} has sha256 ${sha256}, the registry expects ${network.sha256}. Fix: restore the file or re-export with models/kind/train/export.py`);
    }
    files[slot] = network.file;
    hashes.push(`${role}=${sha256}`);
  }
  const untrained = Object.values(entry.networks).filter((n) => !n.trained).map((n) => n.role);
  if (untrained.length) reporter.warn(`model '${recipe.model}' ships UNTRAINED weights for ${untrained.join(', ')}: the exported graph is NOT an enhancement. Train them with models/kind/train (see its README)`);
  for (const difference of recipe.differences) reporter.warn(`export: ${difference}`);

  await exportWithPython(recipe, files, out, { pipeline: args.file, sets: args.sets.join(' '), model: recipe.model, networks: hashes.join(' ') });
  reporter.info(`export: wrote ${args.out} (${(statSync(out).size / 1e6).toFixed(2)} MB): ${describeRecipe(recipe)}`);
  process.stdout.write(`${args.out}\n`);
  return exitCodes.ok;
}

function fileSha256(file: string): string {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    throw new KindPipeError('model', `weights file ${file} is missing. Fix: restore it from git (git checkout -- ${file})`);
  }
}

function describeRecipe(r: KindRecipe): string {
  const i = r.illumination;
  const ratio = i.mode === 'auto' ? `auto ratio (target ${i.target}, per frame)` : i.mode === 'learned' ? `learned ratio (${i.net === 'exposure-night' ? 'night net, ' : ''}compensation ${i.compensation}, per frame)` : `ratio ${i.ratio}`;
  return `model ${r.model}, normalize ${r.normalize}, ${ratio}, fusion ${r.fusion}${r.fusion === 'official' ? ` (sigma ${r.sigma})` : ''}; input/output f32[1,3,H,W] RGB 0..1`;
}
