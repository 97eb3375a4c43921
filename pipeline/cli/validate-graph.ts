import { KindPipeError } from '../../core/errors.js';
import { buildGraph } from '../../core/graph/builder.js';
import type { BuiltGraph } from '../../core/graph/built-graph.js';
import type { GraphSpec } from '../../core/graph/spec.js';
import type { Plugin, Services } from '../../core/stage/plugin.js';

/**
 * What `kind-pipe validate` checks: the whole graph (plugins, options, connections, caps, cycles),
 * as `kind-pipe run` would, except that problems with input and output files do not fail it. A
 * shipped template names placeholder files (`night.mp4`) that `--set input=…` replaces at run
 * time; those problems come back in `notChecked`, with their file:line:column.
 *
 *   kind-pipe validate pipelines/cctv-night.yaml
 */
export function validateGraph(spec: GraphSpec, plugins: ReadonlyMap<string, Plugin>, services: Services): { graph: BuiltGraph; notChecked: string[] } {
  try {
    return { graph: buildGraph(spec, plugins, services), notChecked: [] };
  } catch (error) {
    if (!KindPipeError.is(error)) throw error;
    let graph: BuiltGraph;
    try {
      graph = buildGraph(spec, withoutFileChecks(plugins), services);
    } catch {
      throw error; // a problem that is not a file's: the run's own message and exit code
    }
    return { graph, notChecked: error.message.split('\n').slice(1).map((line) => line.trim()) };
  }
}

/** The table with each check() problem that has a `kind` (an input or output file) left out. */
function withoutFileChecks(plugins: ReadonlyMap<string, Plugin>): Map<string, Plugin> {
  const table = new Map<string, Plugin>();
  for (const [id, plugin] of plugins) {
    const check = plugin.check;
    if (!check) {
      table.set(id, plugin);
      continue;
    }
    const lenient: Plugin = Object.create(plugin); // every other field and method stays the descriptor's
    lenient.check = (options, services) => check.call(plugin, options, services).filter((problem) => problem.kind === undefined);
    table.set(id, lenient);
  }
  return table;
}
