import { Worker } from 'node:worker_threads';
import type { Caps } from '../../core/caps.js';
import { KindPipeError } from '../../core/errors.js';
import type { FrameSet } from '../../core/frame.js';
import type { BuiltNode } from '../../core/graph/built-graph.js';
import type { Stage, StageContext } from '../../core/stage/plugin.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './messages.js';

/**
 * The host side of a stage running on a worker thread. Frames are copied across (structured
 * clone): inputs may be shared with other consumers, so they cannot be transferred.
 */
export class WorkerStage implements Stage {
  private readonly worker: Worker;
  private pending: { resolve: (frames?: FrameSet) => void; reject: (error: unknown) => void } | undefined;
  private exited: KindPipeError | undefined;

  constructor(
    private readonly node: BuiltNode,
    private readonly ctx: StageContext,
    external?: WorkerSetup['external'],
  ) {
    const setup: WorkerSetup = { nodeId: node.id, pluginId: node.plugin.id, options: node.options, external };
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
    return (await this.request({ type: 'process', frames: inputs }))!;
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
    else pending?.resolve(reply.frames);
  }

  private fail(error: KindPipeError): void {
    this.exited ??= error;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
  }
}
