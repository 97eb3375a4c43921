import { unlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { buildGraph } from '../../core/graph/builder.js';
import { prefixedLogger } from '../../core/logger.js';
import { ModelRegistry } from '../../core/model.js';
import { pluginTable } from '../../core/plugin-table.js';
import type { Services } from '../../core/stage/plugin.js';
import { exitCodes } from '../cli/exit-codes.js';
import { Reporter } from '../cli/reporter.js';
import { createContainer } from '../container.js';
import { loadPipeline } from '../load.js';
import { loadExternalPlugins } from '../plugin-host/external-plugins.js';
import { asSocketGraph, socketSinkId, socketSourceId } from './as-socket-graph.js';
import { parseServeArgs, serveUsage } from './serve-args.js';
import { refuseConnection } from './refuse-connection.js';
import { ServeConnection } from './serve-connection.js';
import { SharedModels } from './shared-models.js';
import { socketSinkPlugin, socketSourcePlugin } from './socket-plugins.js';
import { claimSocketPath, listenPrivate } from './socket-path.js';

/**
 * `kind-pipe serve --socket PATH FILE`: FILE's processing stages for up to `--max-connections`
 * kindenhance elements (gst/), each connection with its own graph and stage instances, all of them
 * on one set of model sessions (shared-models.ts). The pipeline is checked before the socket
 * exists; SIGTERM/SIGINT close the listener, finish the frames in flight and remove the socket.
 */
export async function runServeCommand(argv: string[]): Promise<number> {
  const args = parseServeArgs(argv);
  if (args.help) {
    process.stdout.write(`${serveUsage}\n`);
    return exitCodes.ok;
  }
  const reporter = new Reporter(args.log);
  const container = createContainer();
  const models = new SharedModels(container.get<ModelRegistry>(ModelRegistry), reporter);
  const services: Services = { get: <T>(token: symbol) => (token === ModelRegistry ? (models as unknown as T) : container.get<T>(token)) };
  const builtins = pluginTable(container);
  const spec = loadPipeline(args.file, args.sets);
  const external = await loadExternalPlugins(spec, builtins, reporter);
  try {
    const graph = asSocketGraph(spec, external.table);
    const check = new Map(external.table);
    check.set(socketSourceId, socketSourcePlugin(graph.sourcePort));
    check.set(socketSinkId, socketSinkPlugin(graph.sinkPort));
    buildGraph(graph.spec, check, services); // every option and connection, before anyone connects

    const connections = new Set<ServeConnection>();
    const running = new Set<Promise<void>>();
    let count = 0;
    const server = createServer({ allowHalfOpen: true }, (socket) => {
      if (connections.size >= args.maxConnections) {
        reporter.warn(`serve: refused a connection: ${connections.size} are open, the most --max-connections allows`);
        reporter.event('refused', { open: connections.size, max_connections: args.maxConnections });
        refuseConnection(
          socket,
          `kind-pipe serve is full: ${connections.size} connections are open, the most --max-connections allows. ` +
            `Fix: connect again later (kindenhance retries every 500 ms), or restart kind-pipe serve with a higher --max-connections`,
        );
        return;
      }
      const origin = `connection ${++count}`;
      const connection = new ServeConnection(socket, {
        graph,
        plugins: external.table,
        services,
        log: prefixedLogger(reporter, origin),
        // Built-in stages run on this thread, where the shared sessions live; a worker thread would
        // load its own copy. An external plugin's stage keeps its worker or host process.
        createWorkerStage: (node, ctx) => (builtins.get(node.plugin.id) === node.plugin && node.plugin.role === 'stage' ? node.plugin.create(ctx) : external.createWorkerStage(node, ctx)),
        origin,
        maxFramePixels: args.maxFramePixels,
      });
      connections.add(connection);
      reporter.event('connect', { connection: count });
      const started = performance.now();
      const done = connection
        .run()
        .catch((error) => reporter.warn(`${origin}: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => {
          const s = (performance.now() - started) / 1000;
          reporter.info(`[${origin}] closed after ${connection.frames} frames in ${s.toFixed(1)} s`);
          reporter.event('disconnect', { connection: Number(origin.split(' ')[1]), frames: connection.frames, elapsed_s: s });
          connections.delete(connection);
          running.delete(done);
        });
      running.add(done);
    });
    await claimSocketPath(args.socket);
    await listenPrivate(server, args.socket);
    reporter.info(`serve: listening on ${args.socket}: frames → ${graph.stages.join(' → ') || '(no stages)'} → back (Ctrl-C or SIGTERM stops)`);
    reporter.event('listening', { socket: args.socket, pipeline: args.file, stages: graph.stages, max_connections: args.maxConnections, max_frame_pixels: args.maxFramePixels });

    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    process.once('SIGINT', () => process.exit(exitCodes.interrupted)); // a second Ctrl-C quits at once
    reporter.info(`serve: ${signal}: closing ${args.socket}, finishing frames in flight`);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all([...connections].map((c) => c.shutdown()));
    await Promise.all([...running]);
    await closed;
    try {
      unlinkSync(args.socket);
    } catch {
      // server.close() already removed it
    }
    reporter.info('serve: stopped');
    return exitCodes.ok;
  } finally {
    await external.dispose();
    await models.dispose();
  }
}
