import { KindPipeError } from '../errors.js';
import type { BuiltGraph, BuiltNode } from './built-graph.js';

/**
 * The frame accounting of one run: how many frames each node passed on, and how long it was busy
 * (decode, process or write time, not waiting). When the streams end it checks, for every graph
 * shape, that each sink received exactly the frames of every source it depends on: a stage turns
 * one frame set into one, and a node with several inputs takes one frame from each in step, so a
 * frame that went missing anywhere between a source and a sink shows up here, named by both.
 */
export class Accounting {
  private readonly busyMs = new Map<string, number>();
  private readonly counts = new Map<string, number>();
  private readonly sources: BuiltNode[];

  constructor(private readonly graph: BuiltGraph) {
    this.sources = graph.nodes.filter((n) => n.plugin.role === 'source');
  }

  addBusy(node: BuiltNode, ms: number): void {
    this.busyMs.set(node.id, (this.busyMs.get(node.id) ?? 0) + ms);
  }

  /** A node's task ended normally, having passed on (a source: let in; a sink: written) `count` frames. */
  setCount(node: BuiltNode, count: number): void {
    this.counts.set(node.id, count);
  }

  /** The frames that entered the graph, over all its sources. */
  get entered(): number {
    return this.sources.reduce((sum, s) => sum + (this.counts.get(s.id) ?? 0), 0);
  }

  /** Throws KindPipeError('accounting') naming the first sink that did not receive what its sources let in. */
  check(): void {
    for (const sink of this.graph.nodes) {
      if (sink.plugin.role !== 'sink') continue;
      const received = this.counts.get(sink.id) ?? 0;
      for (const source of this.upstreamSources(sink)) {
        const entered = this.counts.get(source.id) ?? 0;
        if (received === entered) continue;
        const from = this.sources.length > 1 ? ` from source '${source.id}'` : '';
        throw new KindPipeError('accounting', `${entered} frames entered${from} but sink '${sink.id}' received ${received}`, { origin: { node: sink.id, stage: sink.plugin.id } });
      }
    }
  }

  /** Mean busy milliseconds per frame that entered, per node. */
  msPerFrame(): Record<string, number> {
    const frames = this.entered;
    const msPerFrame: Record<string, number> = {};
    for (const [id, ms] of this.busyMs) msPerFrame[id] = frames > 0 ? ms / frames : 0;
    return msPerFrame;
  }

  /** The sources `node` depends on, through any number of stages. */
  private upstreamSources(node: BuiltNode): BuiltNode[] {
    const byId = new Map(this.graph.nodes.map((n) => [n.id, n]));
    const seen = new Set<string>();
    const found: BuiltNode[] = [];
    const visit = (current: BuiltNode) => {
      if (seen.has(current.id)) return;
      seen.add(current.id);
      if (current.plugin.role === 'source') found.push(current);
      for (const from of Object.values(current.inputs)) visit(byId.get(from.node)!);
    };
    visit(node);
    return found;
  }
}
