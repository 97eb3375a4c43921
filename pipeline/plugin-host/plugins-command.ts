import { describePattern } from '../../core/caps.js';
import { describeSpec } from '../../core/options.js';
import { KindPipeError } from '../../core/errors.js';
import { contributionKinds } from '../../core/host/manifest.js';
import { pluginTable } from '../../core/plugin-table.js';
import { pluginJson, pluginSummary } from '../cli/describe.js';
import { exitCodes } from '../cli/exit-codes.js';
import { createContainer } from '../container.js';
import { loadPipeline } from '../load.js';
import { discoverPlugins } from './discover.js';

const roles = { stages: 'stage', sources: 'source', sinks: 'sink', models: 'model' } as const;

/**
 * `kind-pipe plugins [--json] [--pipeline FILE]`: the built-in plugins, then every discovered one
 * (installed packages with a `kindPipe` field, and FILE's `plugins:` list), read from manifests
 * only: nothing is activated. Invalid manifests are reported on stderr, naming plugin and field.
 */
export async function runPluginsCommand(argv: string[]): Promise<number> {
  let json = false;
  let pipeline: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json') json = true;
    else if (argv[i] === '--pipeline') pipeline = argv[++i];
    else if (argv[i].startsWith('--pipeline=')) pipeline = argv[i].slice('--pipeline='.length);
    else throw new KindPipeError('usage', `kind-pipe plugins: unexpected '${argv[i]}'. Usage: kind-pipe plugins [--json] [--pipeline FILE]`);
  }
  if (argv.includes('--pipeline') && !pipeline) throw new KindPipeError('usage', '--pipeline needs a pipeline file');
  const builtins = [...pluginTable(createContainer()).values()].sort((a, b) => a.id.localeCompare(b.id));
  const { plugins, problems } = discoverPlugins(pipeline, pipeline ? loadPipeline(pipeline).plugins : []);
  const discovered = plugins.flatMap((p) =>
    contributionKinds.flatMap((kind) =>
      p.manifest.contributes[kind].map((c) => ({
        id: c.id,
        role: roles[kind],
        description: c.description ?? p.manifest.description ?? '',
        plugin: p.manifest.name,
        folder: p.folder,
        origin: p.origin,
        host: p.manifest.host,
        policy: p.manifest.policy,
        activationEvents: p.manifest.activationEvents,
        inputs: c.inputs,
        outputs: c.outputs,
        options: c.options,
      })),
    ),
  );
  if (json) {
    process.stdout.write(JSON.stringify([...builtins.map(pluginJson), ...discovered], null, 2) + '\n');
  } else {
    const lines = builtins.map(pluginSummary);
    for (const d of discovered) {
      const declared = [
        d.inputs && `in (${d.inputs.map((p) => `${p.name}: ${describePattern(p.accepts)}`).join(', ')})`,
        d.outputs && `out (${d.outputs.map((p) => `${p.name}: ${describePattern(p.produces)}`).join(', ')})`,
      ].filter(Boolean).join(' → ');
      lines.push(
        `${d.id.padEnd(20)} ${d.role.padEnd(6)} ${d.description}\n${' '.repeat(28)}plugin ${d.plugin} (${d.origin}: ${d.folder}), host ${d.host}, policy ${d.policy}; activates on first use` +
          (declared ? `\n${' '.repeat(28)}${declared}` : '') +
          (d.options ? `\n${' '.repeat(28)}options: ${Object.entries(d.options).map(([name, spec]) => `${name} (${describeSpec(spec)})`).join(', ')}` : ''),
      );
    }
    process.stdout.write(lines.join('\n') + '\n');
  }
  for (const problem of problems) process.stderr.write(`kind-pipe: ${problem}\n`);
  return problems.length > 0 ? exitCodes.invalid : exitCodes.ok;
}
