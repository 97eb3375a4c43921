import test from 'ava';
import { KindPipeError } from '../../core/errors.js';
import type { BuiltNode } from '../../core/graph/built-graph.js';
import { silentLogger } from '../../core/logger.js';
import type { StagePlugin } from '../../core/stage/plugin.js';
import { WorkerStage } from './worker-stage.js';

test('WorkerStage should rebuild an error from its worker thread with its kind and origin (issue #21)', async (t) => {
  // The worker looks the id up in its own container: a source there is no stage, which it refuses.
  const plugin = { role: 'stage', id: 'source.file' } as StagePlugin;
  const node: BuiltNode = { id: 'decode', plugin, options: {}, inputs: {}, worker: true };
  const stage = new WorkerStage(node, { nodeId: node.id, options: {}, log: silentLogger, signal: new AbortController().signal, get: <T>() => undefined as T });
  try {
    const error = await t.throwsAsync(stage.start({}));
    t.true(KindPipeError.is(error, 'plugin'));
    t.is(error!.message, "worker: 'source.file' is not a stage plugin");
    t.deepEqual((error as KindPipeError).origin, { node: 'decode', stage: 'source.file' });
  } finally {
    await stage.dispose();
  }
});
