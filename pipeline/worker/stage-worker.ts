/**
 * Worker-thread entry: builds its own container (models, plugins), creates one stage and serves
 * the host's requests in order. Synchronous work here (ONNX inference, per-pixel loops) no longer
 * holds the main thread, so decoding and encoding keep flowing. Outputs go back on slabs of this
 * worker's FramePool (core/frame-pool.ts), each holding one reference that the host passes on to
 * the consumers: from here on no thread copies them. Their memory comes back to this pool when the
 * last consumer released it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { KindPipeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { pluginTable } from '../../core/plugin-table.js';
import type { Stage } from '../../core/stage/plugin.js';
import { createContainer } from '../container.js';
import { FramePool, isPooled, retainFrame } from '../../core/frame-pool.js';
import type { FrameSet } from '../../core/frame.js';

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
const pool = new FramePool();

/**
 * Each output on a slab, holding the one reference the host passes on: a fresh one is copied there
 * once; a slab the stage took from its own pool already holds it; an input passed through gets a
 * reference added (the input's own is the host's, released after this call).
 */
function shared(frames: FrameSet, inputs: FrameSet): FrameSet {
  const held = new Set(Object.values(inputs).map((f) => f.data.buffer));
  return Object.fromEntries(
    Object.entries(frames).map(([port, frame]) => {
      if (!isPooled(frame.data)) return [port, { ...frame, data: pool.share(frame.data) }];
      if (held.has(frame.data.buffer)) retainFrame(frame);
      return [port, frame];
    }),
  );
}

port.on('message', async (request: WorkerRequest) => {
  try {
    if (!plugin || plugin.role !== 'stage') throw new KindPipeError('plugin', `worker: '${setup.pluginId}' is not a stage plugin`, { origin: { node: setup.nodeId, stage: setup.pluginId } });
    stage ??= plugin.create({ nodeId: setup.nodeId, options: setup.options, log, signal: abort.signal, get: (token) => container.get(token) });
    switch (request.type) {
      case 'start':
        await stage.start?.(request.caps);
        reply({ type: 'done' });
        break;
      case 'process': {
        const t0 = performance.now();
        const frames = await stage.process(request.frames);
        const computeMs = performance.now() - t0;
        reply({ type: 'done', frames: shared(frames, request.frames), computeMs });
        break;
      }
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
