import test from 'ava';
import { KindPipeError } from '../errors.js';
import type { Plugin } from '../stage/plugin.js';
import { buildGraph } from './builder.js';
import type { GraphSpec } from './spec.js';

const source: Plugin = {
  role: 'source', id: 's', description: '', options: {}, example: '', create: () => { throw new Error('not opened'); },
  outputs: [{ name: 'video', produces: { kind: 'video' }, description: '' }],
};
const toTensor: Plugin = {
  role: 'stage', id: 't', description: '', options: {}, example: '', create: () => { throw new Error('not opened'); },
  inputs: [{ name: 'video', accepts: { kind: 'video' }, description: '' }],
  outputs: [{ name: 'image', produces: { kind: 'tensor', channels: 3 }, description: '' }],
  negotiate: () => ({}),
};
const pass: Plugin = { ...toTensor, id: 'p', outputs: [{ name: 'video', produces: { kind: 'video' }, description: '' }] } as Plugin;
const sink: Plugin = {
  role: 'sink', id: 'k', description: '', options: {}, example: '', create: () => { throw new Error('not opened'); },
  inputs: [{ name: 'video', accepts: { kind: 'video' }, description: '' }],
};
const plugins = new Map([source, toTensor, pass, sink].map((p) => [p.id, p]));
const services = { get: <T>(): T => undefined as T };

function spec(nodes: GraphSpec['nodes']): GraphSpec {
  return { file: 'g.yaml', nodes, queueSize: 2, locate: (path) => `g.yaml@${path.join('/')}` };
}

test('buildGraph should order nodes sources first and never open anything', (t) => {
  const graph = buildGraph(
    spec([
      { id: 'out', plugin: 'k', inputs: { video: 'in' }, options: {} },
      { id: 'in', plugin: 's', inputs: {}, options: {} },
    ]),
    plugins,
    services,
  );
  t.deepEqual(graph.nodes.map((n) => n.id), ['in', 'out']);
});

test('buildGraph should reject a tensor connected to a video input, naming the port', (t) => {
  const error = t.throws(() =>
    buildGraph(
      spec([
        { id: 'in', plugin: 's', inputs: {}, options: {} },
        { id: 'tt', plugin: 't', inputs: { video: 'in' }, options: {} },
        { id: 'out', plugin: 'k', inputs: { video: 'tt.image' }, options: {} },
      ]),
      plugins,
      services,
    ),
  );
  t.true(KindPipeError.is(error, 'config'));
  t.regex(error!.message, /g\.yaml@nodes\/2\/inputs\/video: node 'out' \(k\): input 'video' expects video rgb24 but gets tensor/);
});

test('buildGraph should report a cycle', (t) => {
  const error = t.throws(() =>
    buildGraph(
      spec([
        { id: 'in', plugin: 's', inputs: {}, options: {} },
        { id: 'a', plugin: 'k', inputs: { video: 'in' }, options: {} },
        { id: 'b', plugin: 'p', inputs: { video: 'c' }, options: {} },
        { id: 'c', plugin: 'p', inputs: { video: 'b' }, options: {} },
      ]),
      plugins,
      services,
    ),
  );
  t.regex(error!.message, /g\.yaml@nodes\/2: the graph has a cycle: b → c → b/);
});

test('buildGraph should require a source and a sink', (t) => {
  const error = t.throws(() => buildGraph(spec([{ id: 'in', plugin: 's', inputs: {}, options: {} }]), plugins, services));
  t.regex(error!.message, /has no sink/);
});
