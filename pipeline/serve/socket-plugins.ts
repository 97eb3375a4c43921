import type { Caps } from '../../core/caps.js';
import type { Channel } from '../../core/graph/channel.js';
import { KindPipeError } from '../../core/errors.js';
import type { Frame, FrameSet } from '../../core/frame.js';
import type { SinkPlugin, SourcePlugin } from '../../core/stage/plugin.js';
import { socketSinkId, socketSourceId } from './as-socket-graph.js';

/** One connection's frames of one size and format, as its graph sees them. */
export interface SocketFeed {
  width: number;
  height: number;
  fps: number;
  /** For messages: which connection. */
  origin: string;
  /** Frames received, already rgb24; closed when the stream ends. */
  input: Channel<Frame>;
  /** Sends one processed frame back. */
  send(frame: Frame): Promise<void>;
}

const noFeed = (): never => {
  throw new KindPipeError('plugin', 'the socket source and sink exist only inside kind-pipe serve');
};

/** The frames a kindenhance connection sends, as a source node with the original source's id and port. */
export function socketSourcePlugin(port: string, feed?: SocketFeed): SourcePlugin {
  return {
    role: 'source',
    id: socketSourceId,
    description: 'frames received from a kindenhance element (kind-pipe serve)',
    options: {},
    example: `plugin: ${socketSourceId}`,
    outputs: [{ name: port, produces: { kind: 'video' }, description: 'rgb24 frames from the socket' }],
    create(ctx) {
      const f = feed ?? noFeed();
      // A failing stage aborts the graph while this source waits for the client's next frame.
      ctx.signal.addEventListener('abort', () => f.input.fail(ctx.signal.reason), { once: true });
      return {
        async open(): Promise<Record<string, Caps>> {
          return { [port]: { kind: 'video', format: 'rgb24', width: f.width, height: f.height, stream: { fps: f.fps, origin: f.origin } } };
        },
        async *frames(): AsyncGenerator<FrameSet> {
          for (;;) {
            const frame = await f.input.pull();
            if (!frame) return;
            yield { [port]: frame };
          }
        },
        dispose() {},
      };
    },
  };
}

/** Sends processed frames back on the connection; refuses a pipeline that changes the frame size. */
export function socketSinkPlugin(port: string, feed?: SocketFeed): SinkPlugin {
  return {
    role: 'sink',
    id: socketSinkId,
    description: 'frames sent back to a kindenhance element (kind-pipe serve)',
    options: {},
    example: `plugin: ${socketSinkId}`,
    inputs: [{ name: port, accepts: { kind: 'video', fixedSize: true }, description: 'rgb24 frames of the size received' }],
    create() {
      const f = feed ?? noFeed();
      return {
        async start(caps) {
          const c = caps[port];
          if (c.width !== f.width || c.height !== f.height) {
            throw new KindPipeError('caps', `the pipeline turns ${f.width}×${f.height} frames into ${c.width}×${c.height}; kindenhance works in place and needs the size kept. Fix: remove the stage that scales`);
          }
        },
        write: (inputs) => f.send(inputs[port]),
        finish: async () => f.origin,
        abort: async () => undefined,
      };
    },
  };
}
