/**
 * Worker-thread entry: builds its own container (models, plugins), creates one stage and serves
 * the host's requests in order. Synchronous work here (ONNX inference, per-pixel loops) no longer
 * holds the main thread, so decoding and encoding keep flowing.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { KindPipeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { pluginTable } from '../../core/plugin-table.js';
import type { Stage } from '../../core/stage/plugin.js';
import { createContainer } from '../container.js';
import { collectFrames, enableFrameCollection } from '../../core/util/collect-frames.js';

enableFrameCollection();
// A worker's stdout is the process's stdout, which `filter` reserves for y4m: logs go to stderr.
console.log = console.error;
import type { WorkerReply, WorkerRequest, WorkerSetup } from './messages.js';
import { activateExternal } from '../plugin-host/activate-external.js';

const setup = workerData as WorkerSetup;
const port = parentPort!;
const reply = (message: WorkerReply) => port.postMessage(message);
const log: Logger = {
  info: (message, fields) => reply({ type: 'log', level: 'info', message, fields }),
  warn: (message, fields) => reply({ type: 'log', level: 'warn', message, fields }),
  debug: (message, fields) => reply({ type: 'log', level: 'debug', message, fields }),
};

const container = createContainer();
const plugin = setup.external ? await activateExternal(setup.external, setup.pluginId, log) : pluginTable(container).get(setup.pluginId);
const abort = new AbortController();
let stage: Stage | undefined;

port.on('message', async (request: WorkerRequest) => {
  try {
    if (!plugin || plugin.role !== 'stage') throw new KindPipeError('plugin', `worker: '${setup.pluginId}' is not a stage plugin`, { origin: { node: setup.nodeId, stage: setup.pluginId } });
    stage ??= plugin.create({ nodeId: setup.nodeId, options: setup.options, log, signal: abort.signal, get: (token) => container.get(token) });
    switch (request.type) {
      case 'start':
        await stage.start?.(request.caps);
        reply({ type: 'done' });
        break;
      case 'process':
        reply({ type: 'done', frames: await stage.process(request.frames) });
        collectFrames();
        break;
      case 'dispose':
        abort.abort();
        await stage.dispose?.();
        reply({ type: 'done' });
        port.close();
        break;
    }
  } catch (error) {
    reply({ type: 'error', ...KindPipeError.toData(error) });
  }
});
