import { KindPipeError } from '../../core/errors.js';
import { buildGraph } from '../../core/graph/builder.js';
import { Channel } from '../../core/graph/channel.js';
import { runGraph } from '../../core/graph/scheduler.js';
import { asBytes, type Frame } from '../../core/frame.js';
import type { Logger } from '../../core/logger.js';
import type { Plugin, Services, Stage, StageContext } from '../../core/stage/plugin.js';
import type { BuiltNode } from '../../core/graph/built-graph.js';
import { socketSinkId, socketSourceId, type SocketGraph } from './as-socket-graph.js';
import type { FrameMessage } from './message-reader.js';
import { fromRgb24, pixelFormats, toRgb24, type PixelFormat } from './pixel-formats.js';
import { socketSinkPlugin, socketSourcePlugin } from './socket-plugins.js';
import { messageType, noPts, type MessageHeader } from './wire-format.js';

/** What a stream needs from the server and its connection. */
export interface StreamContext {
  graph: SocketGraph;
  plugins: ReadonlyMap<string, Plugin>;
  services: Services;
  log: Logger;
  createWorkerStage(node: BuiltNode, ctx: StageContext): Stage;
  /** The connection, for messages, e.g. `connection 3`. */
  origin: string;
  reply(header: MessageHeader, payload: Uint8Array): Promise<void>;
  replyError(sequence: bigint, message: string): Promise<void>;
}

/**
 * One graph instance for the frames of one connection while their format, size and rate stay the
 * same (a caps change starts a new one). Frames keep their order; each is answered once, with the
 * processed frame or, when the graph fails, with an error message.
 *
 * ```ts
 * const stream = new SocketStream(message.header, ctx);   // builds and starts the graph
 * await stream.push(message);                             // the reply goes out through ctx.reply
 * await stream.end(2000);                                 // waits for frames in flight, then drops them
 * ```
 */
export class SocketStream {
  readonly key: string;
  private readonly format: PixelFormat;
  private readonly fps: number;
  private readonly input: Channel<Frame>;
  private readonly sent = new Map<number, FrameMessage>();
  private readonly stop = new AbortController();
  private nextIndex = 0;
  private failure: { error: unknown } | undefined;
  private readonly done: Promise<void>;

  static keyOf(header: MessageHeader): string {
    return `${header.format}:${header.width}x${header.height}@${header.fpsN}/${header.fpsD}`;
  }

  constructor(
    first: MessageHeader,
    private readonly ctx: StreamContext,
  ) {
    this.key = SocketStream.keyOf(first);
    this.format = pixelFormats.get(first.format)!;
    this.fps = first.fpsN > 0 && first.fpsD > 0 ? first.fpsN / first.fpsD : 25;
    this.input = new Channel<Frame>(ctx.graph.spec.queueSize);
    const feed = { width: first.width, height: first.height, fps: this.fps, origin: ctx.origin, input: this.input, send: (frame: Frame) => this.sendBack(frame) };
    const table = new Map(ctx.plugins);
    table.set(socketSourceId, socketSourcePlugin(ctx.graph.sourcePort, feed));
    table.set(socketSinkId, socketSinkPlugin(ctx.graph.sinkPort, feed));
    const graph = buildGraph(ctx.graph.spec, table, ctx.services);
    ctx.log.info(`${first.width}×${first.height} ${this.format.name} at ${this.fps.toFixed(2)} fps → ${ctx.graph.stages.join(' → ') || '(no stages)'}`);
    this.done = runGraph(graph, { log: ctx.log, signal: this.stop.signal, get: ctx.services.get, createWorkerStage: ctx.createWorkerStage }).then(
      () => undefined,
      (error: unknown) => this.fail(error),
    );
  }

  /** The graph failed: every later frame needs a new stream. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  async push(message: FrameMessage): Promise<void> {
    if (this.failure) throw this.failure.error;
    const index = this.nextIndex++;
    this.sent.set(index, message);
    const { pts } = message.header;
    const frame: Frame = {
      index,
      pts: pts === noPts ? index / this.fps : Number(pts) / 1e9,
      width: message.header.width,
      height: message.header.height,
      channels: 3,
      data: toRgb24(message.payload, this.format),
    };
    try {
      await this.input.push(frame);
    } catch (error) {
      this.sent.delete(index);
      throw error;
    }
  }

  /** No more frames: waits up to `deadlineMs` for those in flight, then drops them. */
  async end(deadlineMs: number): Promise<void> {
    if (!this.failure) this.input.close();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), deadlineMs)));
    const outcome = await Promise.race([this.done.then(() => 'done' as const), late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      this.abort(new KindPipeError('cancelled', `${this.ctx.origin}: frames still in flight after ${deadlineMs} ms were dropped`));
      await this.done;
    }
  }

  /** Drops frames in flight now (the client went away). */
  abort(reason: unknown): void {
    this.stop.abort(reason);
    this.input.fail(reason);
  }

  private async sendBack(frame: Frame): Promise<void> {
    const message = this.sent.get(frame.index);
    if (!message) throw new KindPipeError('accounting', `${this.ctx.origin}: frame ${frame.index} came back but was never received`);
    this.sent.delete(frame.index);
    const payload = fromRgb24(asBytes(frame, 'serve.socket-sink'), message.payload, this.format);
    await this.ctx.reply({ ...message.header, type: messageType.result, payloadBytes: payload.length }, payload);
  }

  private async fail(error: unknown): Promise<void> {
    this.failure = { error };
    this.input.fail(error);
    const text = error instanceof Error ? error.message : String(error);
    if (!KindPipeError.is(error, 'cancelled')) this.ctx.log.warn(text);
    const unanswered = [...this.sent.values()];
    this.sent.clear();
    for (const message of unanswered) await this.ctx.replyError(message.header.sequence, text).catch(() => undefined);
  }
}
