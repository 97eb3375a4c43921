import { Worker } from 'node:worker_threads';
import type { Caps } from '../../core/caps.js';
import { KindPipeError } from '../../core/errors.js';
import type { FrameSet } from '../../core/frame.js';
import type { BuiltNode } from '../../core/graph/built-graph.js';
import type { Stage, StageContext, StagePlugin } from '../../core/stage/plugin.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './messages.js';

/**
 * The host side of a stage running on a worker thread. Frames on shared memory (core/frame-pool.ts:
 * every output of a worker stage) cross without a copy, the worker seeing the same memory; others
 * (decoded frames, inline stages' outputs) are copied (structured clone: they may feed other
 * consumers, so they cannot be transferred). Inputs the stage does not read with its options
 * (`StagePlugin.reads`) cross as their header only. The outputs come back on the worker's slabs,
 * holding one reference each for the caller.
 */
export class WorkerStage implements Stage {
  private readonly worker: Worker;
  private pending: { resolve: (frames?: FrameSet) => void; reject: (error: unknown) => void } | undefined;
  private exited: KindPipeError | undefined;
  private readonly reads: ReadonlySet<string> | undefined;
  /** The last process() call's time on the worker (Stage.computeMs). */
  computeMs: number | undefined;

  constructor(
    private readonly node: BuiltNode,
    private readonly ctx: StageContext,
    external?: WorkerSetup['external'],
  ) {
    const setup: WorkerSetup = { nodeId: node.id, pluginId: node.plugin.id, options: node.options, external };
    const plugin = node.plugin as StagePlugin;
    this.reads = plugin.reads ? new Set(plugin.reads(node.options)) : undefined;
    this.worker = new Worker(new URL('./stage-worker.js', import.meta.url), { workerData: setup });
    this.worker.on('message', (reply: WorkerReply) => this.onReply(reply));
    const origin = { node: node.id, stage: node.plugin.id };
    this.worker.on('error', (error) => this.fail(new KindPipeError('plugin', `node '${node.id}' (${node.plugin.id}): its worker thread crashed: ${error.message}`, { origin })));
    this.worker.on('exit', (code) => this.fail(new KindPipeError('plugin', `node '${node.id}' (${node.plugin.id}): its worker thread exited (code ${code})`, { origin })));
  }

  async start(caps: Record<string, Caps>): Promise<void> {
    await this.request({ type: 'start', caps });
  }

  async process(inputs: FrameSet): Promise<FrameSet> {
    return (await this.request({ type: 'process', frames: this.reads ? headersOnly(inputs, this.reads) : inputs }))!;
  }

  async dispose(): Promise<void> {
    if (!this.exited) await this.request({ type: 'dispose' }).catch(() => undefined);
    await this.worker.terminate();
  }

  private request(message: WorkerRequest): Promise<FrameSet | undefined> {
    if (this.exited) return Promise.reject(this.exited);
    if (this.pending) return Promise.reject(new Error(`node '${this.node.id}': overlapping requests to its worker`));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(message);
    });
  }

  private onReply(reply: WorkerReply): void {
    if (reply.type === 'log') {
      this.ctx.log[reply.level](reply.message, reply.fields);
      return;
    }
    const pending = this.pending;
    this.pending = undefined;
    if (reply.type === 'error') pending?.reject(KindPipeError.fromData(reply));
    else {
      this.computeMs = reply.computeMs;
      pending?.resolve(reply.frames);
    }
  }

  private fail(error: KindPipeError): void {
    this.exited ??= error;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
  }
}

/** The frames with the data of the ports not in `reads` left out (an empty array of the same type). */
function headersOnly(frames: FrameSet, reads: ReadonlySet<string>): FrameSet {
  const sent: FrameSet = {};
  for (const [port, frame] of Object.entries(frames)) {
    sent[port] = reads.has(port) ? frame : { ...frame, data: frame.data instanceof Float32Array ? new Float32Array(0) : new Uint8Array(0) };
  }
  return sent;
}
