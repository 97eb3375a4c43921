import { isatty } from 'node:tty';
import { KindPipeError } from '../../core/errors.js';
import { buildGraph } from '../../core/graph/builder.js';
import { pluginTable } from '../../core/plugin-table.js';
import type { Services } from '../../core/stage/plugin.js';
import { exitCodes } from '../cli/exit-codes.js';
import { Reporter } from '../cli/reporter.js';
import { runPipeline } from '../cli/run-pipeline.js';
import { createContainer } from '../container.js';
import { loadPipeline } from '../load.js';
import { asY4mFilter } from './as-y4m-filter.js';
import { parseFilterArgs, filterUsage } from './filter-args.js';

/**
 * `kind-pipe filter FILE`: y4m on stdin → the pipeline's processing stages → y4m on stdout, for
 * ffmpeg, x264 and vspipe command lines (docs/ffmpeg.md). Only y4m goes to stdout, even for
 * `--help`; progress, logs and errors go to stderr.
 */
export async function runFilterCommand(argv: string[]): Promise<number> {
  const args = parseFilterArgs(argv);
  if (args.help) {
    process.stderr.write(`${filterUsage}\n`);
    return exitCodes.ok;
  }
  // stdout carries the y4m stream: a stray console.log from any plugin must not land in it.
  console.log = console.info = console.debug = (...data: unknown[]) => console.error(...data);
  // Refused before anything loads: a terminal cannot carry y4m either way.
  if (isatty(0)) throw new KindPipeError('usage', `stdin is a terminal, not a y4m stream. Fix: pipe one in: ffmpeg -i cam.mp4 -f yuv4mpegpipe - | kind-pipe filter ${args.file} | …`);
  if (isatty(1)) throw new KindPipeError('usage', `stdout is a terminal: y4m is binary video. Fix: pipe it on: … | kind-pipe filter ${args.file} | ffmpeg -i - out.mp4, or redirect it to a file`);
  const reporter = new Reporter(args.log);
  const container = createContainer();
  const services: Services = { get: (token) => container.get(token) };
  const plugins = pluginTable(container);
  const spec = asY4mFilter(loadPipeline(args.file, args.sets), plugins);
  const graph = buildGraph(spec, plugins, services);
  const stages = graph.nodes.filter((n) => n.plugin.role === 'stage').map((n) => n.id);
  reporter.info(`filter: stdin (y4m) → ${stages.length ? stages.join(' → ') : '(no stages: a plain copy)'} → stdout (y4m)`);
  await runPipeline(graph, args.file, services, reporter, args.log);
  return exitCodes.ok;
}
