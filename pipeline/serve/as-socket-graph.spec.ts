import test from 'ava';
import { join } from 'node:path';
import { Container } from 'inversify';
import { KindPipeError } from '../../core/errors.js';
import { pluginTable } from '../../core/plugin-table.js';
import { projectRoot } from '../../models/paths.js';
import { builtinModules } from '../../plugins/builtin.js';
import { loadPipeline, parsePipeline } from '../load.js';
import { asSocketGraph, socketSinkId, socketSourceId } from './as-socket-graph.js';

const container = new Container();
container.load(...builtinModules);
const plugins = pluginTable(container);

test('asSocketGraph should put the socket in place of the source and sink of serve.yaml, keeping ids, ports and stages', (t) => {
  const original = loadPipeline(join(projectRoot, 'examples', 'gstreamer', 'serve.yaml'), ['illum.ratio=3']);
  const graph = asSocketGraph(original, plugins);
  t.deepEqual(graph.spec.nodes.map((n) => [n.id, n.plugin]), [
    ['decode', socketSourceId], ['norm', 'normalize'], ['decom', 'kind.decom'], ['restore', 'kind.restore'],
    ['illum', 'kind.illumination'], ['fuse', 'kind.fuse'], ['encode', socketSinkId],
  ]);
  t.deepEqual(graph.spec.nodes[0].options, {});
  t.deepEqual(graph.spec.nodes[6].inputs, { video: 'fuse' });
  t.deepEqual(graph.spec.nodes.slice(1, 6), original.nodes.slice(1, 6));
  t.deepEqual([graph.sourcePort, graph.sinkPort, graph.stages], ['video', 'video', ['norm', 'decom', 'restore', 'illum', 'fuse']]);
});

test('asSocketGraph should refuse a pipeline with two sinks, naming them', (t) => {
  const spec = parsePipeline('nodes:\n  - { id: in, plugin: source.file }\n  - { id: a, plugin: sink.file, inputs: { video: in } }\n  - { id: b, plugin: sink.images, inputs: { video: in } }\n', 'two.yaml');
  const error = t.throws(() => asSocketGraph(spec, plugins));
  t.true(KindPipeError.is(error, 'usage'));
  t.regex(error!.message, /two\.yaml: kind-pipe serve needs a pipeline with exactly one source and one sink.*it has 1 source \(in\) and 2 sinks \(a, b\)/);
});
