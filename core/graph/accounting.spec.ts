import test from 'ava';
import { KindPipeError } from '../errors.js';
import type { Plugin } from '../stage/plugin.js';
import { Accounting } from './accounting.js';
import { buildGraph } from './builder.js';
import type { GraphSpec } from './spec.js';

const unopened = () => {
  throw new Error('not opened');
};
const source: Plugin = { role: 'source', id: 's', description: '', options: {}, example: '', create: unopened, outputs: [{ name: 'video', produces: { kind: 'video' }, description: '' }] };
const join: Plugin = {
  role: 'stage', id: 'j', description: '', options: {}, example: '', create: unopened, negotiate: () => ({}),
  inputs: [{ name: 'video', accepts: { kind: 'video' }, description: '' }, { name: 'reference', accepts: { kind: 'video' }, description: '' }],
  outputs: [{ name: 'video', produces: { kind: 'video' }, description: '' }],
};
const sink: Plugin = { role: 'sink', id: 'k', description: '', options: {}, example: '', create: unopened, inputs: [{ name: 'video', accepts: { kind: 'video' }, description: '' }] };
const plugins = new Map([source, join, sink].map((p) => [p.id, p]));
const services = { get: <T>(): T => undefined as T };

function graph(nodes: GraphSpec['nodes']) {
  return buildGraph({ file: 'g.yaml', nodes, queueSize: 2, locate: (path) => `g.yaml@${path.join('/')}` }, plugins, services);
}

/** Two sources, each with its own sink, and a third sink behind a stage that joins them. */
const twoSources = graph([
  { id: 'a', plugin: 's', inputs: {}, options: {} },
  { id: 'b', plugin: 's', inputs: {}, options: {} },
  { id: 'outA', plugin: 'k', inputs: { video: 'a' }, options: {} },
  { id: 'outB', plugin: 'k', inputs: { video: 'b' }, options: {} },
  { id: 'joined', plugin: 'j', inputs: { video: 'a', reference: 'b' }, options: {} },
  { id: 'outJ', plugin: 'k', inputs: { video: 'joined' }, options: {} },
]);

function counted(counts: Record<string, number>): Accounting {
  const accounting = new Accounting(twoSources);
  for (const node of twoSources.nodes) if (counts[node.id] !== undefined) accounting.setCount(node, counts[node.id]);
  return accounting;
}

test('Accounting .check in a two-source graph should pass when each sink received what each source it depends on let in (issue #21)', (t) => {
  const accounting = counted({ a: 4, b: 4, outA: 4, outB: 4, joined: 4, outJ: 4 });
  t.notThrows(() => accounting.check());
  t.is(accounting.entered, 8, 'frames entered over all sources');
});

test('Accounting .check in a two-source graph should name the sink and the source whose frames it did not all receive (issue #21)', (t) => {
  const error = t.throws(() => counted({ a: 4, b: 4, outA: 4, outB: 3, joined: 4, outJ: 4 }).check());
  t.true(KindPipeError.is(error, 'accounting'));
  t.is(error!.message, "4 frames entered from source 'b' but sink 'outB' received 3");
  t.deepEqual((error as KindPipeError).origin, { node: 'outB', stage: 'k' });
});

test('Accounting .check should hold a sink behind a join to every source upstream of it (issue #21)', (t) => {
  const error = t.throws(() => counted({ a: 4, b: 5, outA: 4, outB: 5, joined: 4, outJ: 4 }).check());
  t.is(error!.message, "5 frames entered from source 'b' but sink 'outJ' received 4");
});

test('Accounting .check with one source should keep the message without the source name', (t) => {
  const single = graph([
    { id: 'in', plugin: 's', inputs: {}, options: {} },
    { id: 'out', plugin: 'k', inputs: { video: 'in' }, options: {} },
  ]);
  const accounting = new Accounting(single);
  accounting.setCount(single.nodes[0], 3);
  accounting.setCount(single.nodes[1], 2);
  t.throws(() => accounting.check(), { message: "3 frames entered but sink 'out' received 2" });
});

test('Accounting .msPerFrame should divide each node’s busy time by the frames that entered over all sources', (t) => {
  const accounting = counted({ a: 4, b: 4 });
  accounting.addBusy(twoSources.nodes.find((n) => n.id === 'joined')!, 40);
  t.deepEqual(accounting.msPerFrame(), { joined: 5 });
});
