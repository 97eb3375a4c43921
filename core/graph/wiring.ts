import { KindPipeError } from '../errors.js';
import type { Frame, FrameSet } from '../frame.js';
import { releaseFrame, releaseFrames, retainFrame } from '../frame-pool.js';
import type { BuiltGraph, BuiltNode } from './built-graph.js';
import { Channel } from './channel.js';

/**
 * The channels between nodes: one bounded channel per (consumer, input port), so a producer
 * pushes each output frame to all its consumers (fan-out) and a slow consumer holds its producer
 * back. Owns the rule that a node with several inputs takes one frame from each, in step, and the
 * references of shared frames (core/frame-pool.ts): each channel a frame is pushed on holds one,
 * which its consumer releases; a channel that fails releases what it still held.
 */
export class Wiring {
  private readonly inbox = new Map<string, Map<string, Channel<Frame>>>();
  private readonly outbox = new Map<string, Map<string, Channel<Frame>[]>>();
  private readonly channels: Channel<Frame>[] = [];

  constructor(graph: BuiltGraph) {
    for (const node of graph.nodes) {
      const ports = new Map<string, Channel<Frame>>();
      for (const [port, from] of Object.entries(node.inputs)) {
        const channel = new Channel<Frame>(graph.queueSize, releaseFrame);
        this.channels.push(channel);
        ports.set(port, channel);
        const producer = this.outbox.get(from.node) ?? new Map<string, Channel<Frame>[]>();
        producer.set(from.port, [...(producer.get(from.port) ?? []), channel]);
        this.outbox.set(from.node, producer);
      }
      this.inbox.set(node.id, ports);
    }
  }

  /** The output ports of `node` that some node consumes. */
  consumedPorts(node: BuiltNode): Iterable<string> {
    return this.outbox.get(node.id)?.keys() ?? [];
  }

  async emit(node: BuiltNode, frames: FrameSet): Promise<void> {
    for (const [port, channels] of this.outbox.get(node.id) ?? []) {
      const frame = frames[port];
      for (const channel of channels) {
        retainFrame(frame);
        await channel.push(frame).catch((error: unknown) => {
          releaseFrame(frame);
          throw error;
        });
      }
    }
  }

  closeOutputs(node: BuiltNode): void {
    for (const channels of this.outbox.get(node.id)?.values() ?? []) for (const c of channels) c.close();
  }

  /**
   * One frame from each input of `node`, all of one index; undefined once every input ended. The
   * caller owns one reference per frame (releaseFrames when done); on failure they are released here.
   */
  async pullInputs(node: BuiltNode): Promise<FrameSet | undefined> {
    const frames: FrameSet = {};
    try {
      return await this.pullInStep(node, frames);
    } catch (error) {
      releaseFrames(frames);
      throw error;
    }
  }

  private async pullInStep(node: BuiltNode, frames: FrameSet): Promise<FrameSet | undefined> {
    const ended: string[] = [];
    for (const [port, channel] of this.inbox.get(node.id)!) {
      const frame = await channel.pull();
      if (frame === undefined) ended.push(port);
      else frames[port] = frame;
    }
    const ports = [...this.inbox.get(node.id)!.keys()];
    if (ended.length === ports.length) return undefined;
    const origin = { node: node.id, stage: node.plugin.id };
    if (ended.length > 0) {
      const from = ended.map((p) => `${p} ← ${node.inputs[p].node}`).join(', ');
      throw new KindPipeError('accounting', `node '${node.id}': input ${from} ended while others still had frames: frames were lost upstream of '${node.id}'`, { origin });
    }
    const indexes = new Set(Object.values(frames).map((f) => f.index));
    if (indexes.size > 1) {
      const seen = Object.entries(frames).map(([p, f]) => `${p}=#${f.index}`).join(', ');
      throw new KindPipeError('accounting', `node '${node.id}': inputs are out of step (${seen}): a stage upstream dropped or reordered frames`, { origin });
    }
    return frames;
  }

  /** Wakes every task waiting on a channel with `reason` (the run was stopped or a node failed). */
  fail(reason: unknown): void {
    for (const channel of this.channels) channel.fail(reason);
  }
}
