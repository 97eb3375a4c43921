import test from 'ava';
import type { BuiltGraph, BuiltNode } from './built-graph.js';
import type { Plugin } from '../stage/plugin.js';
import { averageWarmupFrames, graphWarmupFrames } from './warmup.js';

test('averageWarmupFrames is the number of frames after which the first input weighs under 1/1000', (t) => {
  t.is(averageWarmupFrames(0), 0);
  t.is(averageWarmupFrames(0.9), 66);
  t.true(0.9 ** 66 < 1e-3 && 0.9 ** 65 >= 1e-3);
  t.is(averageWarmupFrames(0.5), 10);
});

function node(id: string, inputs: string[], warmup?: number, role: Plugin['role'] = 'stage'): BuiltNode {
  const plugin = { role, id, description: '', options: {}, example: '', ...(warmup !== undefined && { warmupFrames: () => warmup }) } as unknown as Plugin;
  return { id, plugin, options: {}, inputs: Object.fromEntries(inputs.map((n, i) => [`in${i}`, { node: n, port: 'out' }])), worker: false };
}

test('graphWarmupFrames adds the warm-ups along a path and takes the longest path', (t) => {
  const graph: BuiltGraph = {
    file: 'p.yaml',
    queueSize: 4,
    nodes: [node('src', [], undefined, 'source'), node('norm', ['src'], 66), node('plain', ['norm']), node('illum', ['norm'], 66), node('short', ['src'], 5), node('fuse', ['plain', 'illum', 'short']), node('sink', ['fuse'], undefined, 'sink')],
  };
  t.is(graphWarmupFrames(graph), 132);
});

test('graphWarmupFrames is 0 for a graph without temporal stages', (t) => {
  t.is(graphWarmupFrames({ file: 'p.yaml', queueSize: 4, nodes: [node('src', [], undefined, 'source'), node('a', ['src']), node('sink', ['a'], undefined, 'sink')] }), 0);
});
