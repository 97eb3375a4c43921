import test from 'ava';
import { join } from 'node:path';
import { Container } from 'inversify';
import { KindPipeError } from '../../core/errors.js';
import { pluginTable } from '../../core/plugin-table.js';
import { projectRoot } from '../../models/paths.js';
import { builtinModules } from '../../plugins/builtin.js';
import { loadPipeline, parsePipeline } from '../load.js';
import { asY4mFilter } from './as-y4m-filter.js';

const container = new Container();
container.load(...builtinModules);
const plugins = pluginTable(container);

test('asY4mFilter should swap the source and sink of cctv-night.yaml for y4m on stdin and stdout, keeping ids, inputs and stages', (t) => {
  const original = loadPipeline(join(projectRoot, 'pipelines', 'cctv-night.yaml'), ['encode.chroma=444', 'illum.ratio=3']);
  const spec = asY4mFilter(original, plugins);
  t.deepEqual(spec.nodes.map((n) => [n.id, n.plugin]), [
    ['decode', 'source.y4m'], ['norm', 'normalize'], ['decom', 'kind.decom'], ['restore', 'kind.restore'],
    ['illum', 'kind.illumination'], ['fuse', 'kind.fuse'], ['encode', 'sink.y4m'],
  ]);
  t.deepEqual(spec.nodes[0].options, { path: '-' });
  // crf, codec, preset belong to sink.file; chroma (from --set) is sink.y4m's.
  t.deepEqual(spec.nodes[6].options, { chroma: '444', path: '-' });
  t.deepEqual(spec.nodes[6].inputs, { video: 'fuse' });
  t.deepEqual(spec.nodes.slice(1, 6), original.nodes.slice(1, 6));
  t.is(spec.queueSize, original.queueSize);
});

test('asY4mFilter should refuse a pipeline with two sinks, naming them', (t) => {
  const spec = parsePipeline(
    'nodes:\n  - { id: in, plugin: source.file }\n  - { id: a, plugin: sink.file, inputs: { video: in } }\n  - { id: b, plugin: sink.images, inputs: { video: in } }\n',
    'two.yaml',
  );
  const error = t.throws(() => asY4mFilter(spec, plugins));
  t.true(KindPipeError.is(error, 'usage'));
  t.regex(error!.message, /two\.yaml: kind-pipe filter needs a pipeline with exactly one source and one sink, to stand for stdin and stdout; it has 1 source \(in\) and 2 sinks \(a, b\)/);
});

test('asY4mFilter when a plugin is unknown should leave naming it to the graph builder', (t) => {
  const spec = parsePipeline('nodes:\n  - { id: in, plugin: source.file }\n  - { id: out, plugin: sink.fil, inputs: { video: in } }\n', 'typo.yaml');
  const rewritten = asY4mFilter(spec, plugins);
  t.deepEqual(rewritten.nodes.map((n) => n.plugin), ['source.y4m', 'sink.fil']);
});
