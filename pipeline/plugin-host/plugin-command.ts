import { resolve } from 'node:path';
import { KindPipeError } from '../../core/errors.js';
import { exitCodes } from '../cli/exit-codes.js';
import { scaffoldPlugin } from './scaffold.js';

/** `kind-pipe plugin new NAME`: writes a working TypeScript stage plugin into ./NAME (docs/plugins.md). */
export async function runPluginCommand(argv: string[]): Promise<number> {
  const [verb, name, ...rest] = argv;
  if (verb !== 'new' || !name || rest.length > 0) throw new KindPipeError('usage', 'usage: kind-pipe plugin new NAME   (scaffolds ./NAME with a stage, a spec and a README)');
  const folder = resolve(name);
  const files = await scaffoldPlugin(folder);
  process.stdout.write(`${files.map((f) => `created ${f}`).join('\n')}\nnext: add '${name}' to a pipeline's plugins: list — see ${folder}/README.md\n`);
  return exitCodes.ok;
}
