#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KindPipeError } from '../../core/errors.js';
import { buildGraph } from '../../core/graph/builder.js';
import type { BuiltGraph } from '../../core/graph/built-graph.js';
import { ModelRegistry } from '../../core/model.js';
import { closest } from '../../core/options.js';
import { pluginTable } from '../../core/plugin-table.js';
import type { Services } from '../../core/stage/plugin.js';
import { projectRoot } from '../../models/paths.js';
import { createContainer } from '../container.js';
import { loadPipeline } from '../load.js';
import { loadExternalPlugins } from '../plugin-host/external-plugins.js';
import { modelDetails } from './model-details.js';
import { pluginDetails } from './describe.js';
import { exitCodeFor, exitCodes } from './exit-codes.js';
import { Reporter, type LogFormat } from './reporter.js';
import { runPipeline } from './run-pipeline.js';
import { validateGraph } from './validate-graph.js';

const usage = `kind-pipe — low-light enhancement of night CCTV video with KinD

usage:
  kind-pipe run FILE [--set KEY=VALUE]... [--log text|json] [--no-clobber] [--sign-key KEY] [--no-manifest]
                     writes OUTPUT.provenance.json beside each video output (docs/provenance.md), signed with --sign-key
  kind-pipe verify OUTPUT [--key SIGNER.pub] [--deep] [--rerun ORIGINAL]   check an output against its manifest
  kind-pipe keys generate [--out NAME]            an Ed25519 key pair for --sign-key
  kind-pipe filter FILE [--set KEY=VALUE]... [--log text|json]   y4m on stdin → FILE's stages → y4m on stdout (docs/ffmpeg.md)
  kind-pipe serve --socket PATH FILE [--set KEY=VALUE]...  FILE's stages for the kindenhance GStreamer element (examples/gstreamer/)
  kind-pipe export FILE --onnx OUT.onnx [--set KEY=VALUE]...   the KinD part as one ONNX graph for dnn_processing/nvinfer/OpenVINO
  kind-pipe validate FILE [--set KEY=VALUE]...   checks plugins, options, connections and caps; opens nothing,
                     and lists (without failing) input/output files that run would need
  kind-pipe submit FILE --redis URL --set input=… --set output=… [--segment S] [--wait]   queue a file in segments (docs/scale-out.md)
  kind-pipe submit FILE --redis URL --camera RTSP-URL --set output=…   a long-running camera job
  kind-pipe worker --redis URL [--concurrency N]   run queued segments, joins and cameras
  kind-pipe status [JOB] --redis URL · kind-pipe cancel JOB --redis URL
  kind-pipe plugins [--json] [--pipeline FILE]     built-in, installed and FILE's plugins (docs/plugins.md)
  kind-pipe plugin new NAME                       scaffold a TypeScript stage plugin in ./NAME
  kind-pipe describe PLUGIN|MODEL
  kind-pipe models [--json]
  kind-pipe eval --pred DIR [--gt DIR] [--json]   PSNR/SSIM/LOE against ground truth, or no-reference stats

--set input=PATH        the pipeline's source file/folder
--set output=PATH       the pipeline's output
--set NODE.OPTION=VALUE any option of any node (e.g. --set illum.compensation=1.3)

exit codes: 0 ok · 1 failed while processing · 2 bad command line or pipeline file
            3 input missing or unreadable · 4 output cannot be written
            5 the reader of the output pipe closed it mid-stream · 130 stopped (Ctrl-C)`;

interface Args {
  command?: string;
  positional: string[];
  sets: string[];
  log: LogFormat;
  json: boolean;
  noClobber: boolean;
  signKey?: string;
  manifest: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { positional: [], sets: [], log: 'text', json: false, noClobber: false, manifest: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new KindPipeError('usage', `${arg} needs a value`);
      return v;
    };
    if (arg === '--set' || arg.startsWith('--set=')) args.sets.push(value());
    else if (arg === '--log' || arg.startsWith('--log=')) {
      const format = value();
      if (format !== 'text' && format !== 'json') throw new KindPipeError('usage', `--log ${format}: use --log text or --log json`);
      args.log = format;
    } else if (arg === '--json') args.json = true;
    else if (arg === '--no-clobber') args.noClobber = true;
    else if (arg === '--sign-key' || arg.startsWith('--sign-key=')) args.signKey = value();
    else if (arg === '--no-manifest') args.manifest = false;
    else if (arg === '--help' || arg === '-h') args.command = 'help';
    else if (arg === '--version') args.command = 'version';
    else if (arg.startsWith('-')) throw new KindPipeError('usage', `unknown flag ${arg}\n\n${usage}`);
    else if (args.command === undefined) args.command = arg;
    else args.positional.push(arg);
  }
  return args;
}

async function main(argv: string[]): Promise<number> {
  // A reader that goes away early (`kind-pipe run … | true`) must not turn a finished run into an
  // EPIPE stack trace: the outputs are complete and the exit code stays the run's (#17). The y4m
  // filter has its own handling of a closed stdout (exit 5).
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
  // Each command imports what only it needs, so that `run` and `--help` start fast (#18).
  if (argv[0] === 'eval') return (await import('../eval/run-eval.js')).runEvalCommand(argv.slice(1)); // eval has its own flags
  if (argv[0] === 'filter') return (await import('../filter/filter-command.js')).runFilterCommand(argv.slice(1)); // stdout is reserved for y4m
  if (argv[0] === 'serve') return (await import('../serve/serve-command.js')).runServeCommand(argv.slice(1)); // runs until SIGTERM (docs/gstreamer-protocol.md)
  if (argv[0] === 'plugins') return (await import('../plugin-host/plugins-command.js')).runPluginsCommand(argv.slice(1)); // built-in and discovered (docs/plugins.md)
  if (argv[0] === 'plugin') return (await import('../plugin-host/plugin-command.js')).runPluginCommand(argv.slice(1)); // plugin new NAME (docs/plugins.md)
  if (argv[0] === 'submit') return (await import('../queue/submit-command.js')).runSubmitCommand(argv.slice(1)); // BullMQ on Redis (docs/scale-out.md)
  if (argv[0] === 'worker') return (await import('../queue/worker-command.js')).runWorkerCommand(argv.slice(1));
  if (argv[0] === 'status' || argv[0] === 'cancel') return (await import('../queue/status-command.js')).runStatusCommand(argv.slice(1), argv[0]);
  if (argv[0] === 'verify') return (await import('../provenance/verify-command.js')).runVerifyCommand(argv.slice(1)); // docs/provenance.md
  if (argv[0] === 'keys') return (await import('../provenance/keys-command.js')).runKeysCommand(argv.slice(1));
  if (argv[0] === 'export') return (await import('../export/export-command.js')).runExportCommand(argv.slice(1)); // one ONNX graph (docs/ffmpeg.md)
  const args = parseArgs(argv);
  const reporter = new Reporter(args.log);
  const container = createContainer();
  const services: Services = { get: (token) => container.get(token) };
  const plugins = () => pluginTable(container);
  const needFile = () => {
    const file = args.positional[0];
    if (!file) throw new KindPipeError('usage', `kind-pipe ${args.command} needs a pipeline file, e.g. kind-pipe ${args.command} pipelines/cctv-night.yaml`);
    return file;
  };

  switch (args.command) {
    case undefined:
    case 'help':
      process.stdout.write(usage + '\n');
      return args.command ? exitCodes.ok : exitCodes.invalid;
    case 'version':
      process.stdout.write(JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).version + '\n');
      return exitCodes.ok;
    case 'describe': {
      const id = args.positional[0];
      const plugin = id ? plugins().get(id) : undefined;
      const registry = container.get<ModelRegistry>(ModelRegistry);
      if (!plugin && id && registry.ids().includes(id)) {
        process.stdout.write(modelDetails(registry.get(id)) + '\n');
        return exitCodes.ok;
      }
      if (!plugin) {
        const guess = id ? closest(id, [...plugins().keys(), ...registry.ids()]) : undefined;
        throw new KindPipeError('usage', `unknown plugin or model '${id ?? ''}'${guess ? `; did you mean '${guess}'?` : ''} Run 'kind-pipe plugins' or 'kind-pipe models' for the lists`);
      }
      process.stdout.write(pluginDetails(plugin) + '\n');
      return exitCodes.ok;
    }
    case 'models': {
      const registry = container.get<ModelRegistry>(ModelRegistry);
      const entries = registry.ids().map((id) => registry.get(id));
      if (args.json) process.stdout.write(JSON.stringify(entries, null, 2) + '\n');
      else {
        for (const e of entries) process.stdout.write(modelDetails(e) + '\n');
        process.stdout.write(`\nAny other ONNX image model runs in stage model.image with path: and its contract (README, "Any ONNX model").\n`);
      }
      return exitCodes.ok;
    }
    case 'validate': {
      const file = needFile();
      const spec = loadPipeline(file, args.sets);
      const external = await loadExternalPlugins(spec, plugins(), reporter); // the file's `plugins:` (docs/plugins.md)
      try {
        const { graph, notChecked } = validateGraph(spec, external.table, services);
        process.stdout.write(`${file}: valid (${graph.nodes.length} nodes: ${graph.nodes.map((n) => `${n.id}=${n.plugin.id}`).join(', ')})\n`);
        if (notChecked.length > 0) process.stdout.write(`not checked (the files are kind-pipe run's to open; --set input=/output= name them):\n  ${notChecked.join('\n  ')}\n`);
      } finally {
        await external.dispose();
      }
      return exitCodes.ok;
    }
    case 'run': {
      const file = needFile();
      const signKey = args.signKey ? (await import('../provenance/signing.js')).loadSigningKey(args.signKey) : undefined; // a bad key fails before any work
      if (signKey && !args.manifest) throw new KindPipeError('usage', '--sign-key signs the provenance manifest, which --no-manifest turns off. Fix: drop one of them');
      const spec = loadPipeline(file, args.sets);
      const external = await loadExternalPlugins(spec, plugins(), reporter);
      try {
        const graph = buildGraph(spec, external.table, services);
        if (args.noClobber) refuseExistingOutputs(graph);
        const startedAt = new Date();
        const result = await runPipeline(graph, file, services, reporter, args.log, external);
        const manifests = args.manifest ? await (await import('../provenance/run-manifest.js')).writeRunManifests({ graph, spec, services, sets: args.sets, result, startedAt, signKey }) : [];
        for (const path of manifests) reporter.event('provenance', { manifest: path, signed: signKey !== undefined });
        if (args.log === 'text') {
          if (manifests.length > 0) process.stderr.write(`provenance: ${manifests.join(', ')}${signKey ? ' (signed)' : ''}\n`);
          for (const output of result.outputs) if (output !== '-') process.stdout.write(`${output}\n`); // '-': the y4m went to stdout
        }
      } finally {
        await external.dispose();
      }
      return exitCodes.ok;
    }
    default: {
      const guess = closest(args.command, ['run', 'verify', 'keys', 'filter', 'export', 'serve', 'submit', 'worker', 'status', 'cancel', 'validate', 'plugins', 'plugin', 'describe', 'models', 'eval']);
      throw new KindPipeError('usage', `unknown command '${args.command}'${guess ? `; did you mean '${guess}'?` : ''}\n\n${usage}`);
    }
  }
}

/** `--no-clobber`: an output that exists already is refused before any work (exit 4). */
function refuseExistingOutputs(graph: BuiltGraph): void {
  for (const node of graph.nodes.filter((n) => n.plugin.role === 'sink')) {
    for (const [name, spec] of Object.entries(node.plugin.options)) {
      const path = node.options[name];
      if (spec.type === 'path' && typeof path === 'string' && path !== '-' && existsSync(path)) {
        throw new KindPipeError('output', `node '${node.id}' (${node.plugin.id}): output ${path} exists and --no-clobber was given. Fix: remove it, or choose another output`);
      }
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const known = KindPipeError.is(error);
    process.stderr.write(`${process.stderr.isTTY ? '\n' : ''}kind-pipe: ${known ? error.message : (error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = exitCodeFor(known ? error.kind : undefined);
  },
);
