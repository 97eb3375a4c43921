/**
 * source.rtsp — pulls a live RTSP camera with ffmpeg into rgb24 frames, reconnecting when it drops.
 *
 * The caps are known at open: ffprobe connects once (within `timeout`) and reads the size and
 * rate; an unreachable camera fails the run there, naming the url (password hidden). Every frame
 * is scaled to that size, so a camera that comes back at another resolution still matches.
 *
 * Drops: when ffmpeg ends (the camera closed the connection, the network went) or no frame comes
 * for `timeout` seconds (a stall; `timeout` + 3 s for a connection's first frame), ffmpeg is killed and started again after a backoff of `backoff`
 * seconds, doubling up to `backoffMax`, reset when frames flow again. After `maxOutage` seconds
 * without a frame the run fails (0 = retry forever). A camera that ends its stream on purpose
 * looks the same as one that went away, so with `reconnect: true` a run ends only at `frames`,
 * at Ctrl-C or at `maxOutage`; with `reconnect: false` a clean end of stream ends the run. The first
 * Ctrl-C (SIGINT/SIGTERM) ends the stream and completes the output; a second one discards it.
 *
 * Timestamps are live wall-clock time: `pts` is the seconds since the first frame arrived here
 * (monotonic clock, strictly increasing), so an outage shows as a gap in pts and frames from
 * before and after a reconnect never overlap. The camera's own RTP timestamps restart with each
 * connection and cannot be compared across one. `meta.capturedAt` carries the arrival time in
 * epoch milliseconds. (sink.file encodes at a constant `fps`, so an outage is a cut, not a pause.)
 *
 * `flow` and `maxInFlight` choose what happens when the stages are slower than the camera; the
 * scheduler applies them (core/graph/flow-gate.ts): `drop-oldest` keeps only the newest waiting
 * frame and stays live; `block` stops reading the camera until there is room (ffmpeg's pipe and
 * then the TCP connection fill up, and the camera drops frames on its side, or closes the
 * connection, which then reconnects); `passthrough` writes the frames that find no room
 * un-enhanced, so the output keeps every frame.
 *
 * ```yaml
 * - id: camera
 *   plugin: source.rtsp
 *   options: { url: 'rtsp://user:secret@192.168.1.20:554/stream1', flow: drop-oldest, maxInFlight: 2 }
 * ```
 */
import type { Caps } from '../../core/caps.js';
import { KindPipeError } from '../../core/errors.js';
import type { FrameSet } from '../../core/frame.js';
import { flowPolicies } from '../../core/graph/flow-gate.js';
import { readFrames } from '../../core/media/raw-frames.js';
import { ffmpegPath, requireFfmpeg, startTool, type Tool } from '../../core/media/tool.js';
import { defineSource } from '../../core/stage/plugin.js';
import { ReconnectPolicy } from './reconnect-policy.js';
import { probeRtsp, rtspInputArgs } from './rtsp-probe.js';
import { redactUrl, rtspUrlProblem } from './rtsp-url.js';

export const sourceRtsp = defineSource({
  role: 'source',
  id: 'source.rtsp',
  live: true,
  description: 'Pull a live RTSP camera (ffmpeg) into rgb24 frames; reconnects with backoff; a flow policy for slow stages',
  options: {
    url: { type: 'string', description: 'rtsp://[user:password@]host[:port]/path of the camera' },
    transport: { type: 'string', description: 'RTP over the RTSP TCP connection, or over UDP', default: 'tcp', enum: ['tcp', 'udp'] },
    width: { type: 'integer', description: 'frame width (0 = as the stream; one of width/height 0 keeps the aspect ratio)', default: 0, min: 0, max: 16384 },
    height: { type: 'integer', description: 'frame height (0 = as the stream)', default: 0, min: 0, max: 16384 },
    fps: { type: 'number', description: 'frame rate the sink encodes at (0 = what the stream says)', default: 0, min: 0, max: 240 },
    timeout: { type: 'number', description: 'seconds to wait for the camera to answer at open, and for the next frame before calling it a stall', default: 5, min: 0.5, max: 120 },
    reconnect: { type: 'boolean', description: 'reconnect when the stream drops or stalls', default: true },
    backoff: { type: 'number', description: 'seconds before the first reconnect attempt; doubles after each failed one', default: 0.5, min: 0.05, max: 60 },
    backoffMax: { type: 'number', description: 'longest wait between reconnect attempts, seconds', default: 8, min: 0.05, max: 600 },
    maxOutage: { type: 'number', description: 'fail the run after this many seconds without a frame (0 = retry forever)', default: 60, min: 0 },
    frames: { type: 'integer', description: 'stop after receiving this many frames (0 = until stopped or the stream ends)', default: 0, min: 0 },
    flow: { type: 'string', description: 'when the stages are full: drop-oldest (stay live), block (backpressure), passthrough (write un-enhanced)', default: 'drop-oldest', enum: flowPolicies },
    maxInFlight: { type: 'integer', description: 'frames inside the stages not yet written by the sink', default: 2, min: 1, max: 64 },
  },
  outputs: [{ name: 'video', produces: { kind: 'video' }, description: 'live frames, rgb24, pts in wall-clock seconds since the first frame' }],
  example: "plugin: source.rtsp\noptions: { url: 'rtsp://192.168.1.20:554/stream1', flow: drop-oldest, maxInFlight: 2 }",
  check(options) {
    const problem = rtspUrlProblem(options.url);
    return problem ? [{ option: 'url', message: problem }] : [];
  },
  create(ctx) {
    const url = ctx.options.url;
    const shown = redactUrl(url);
    const transport = ctx.options.transport;
    const timeoutS = ctx.options.timeout;
    const reconnect = ctx.options.reconnect;
    const maxOutage = ctx.options.maxOutage;
    const limit = ctx.options.frames;
    let width = ctx.options.width;
    let height = ctx.options.height;
    let reconnects = 0;
    let decoder: Tool | undefined;
    const killDecoder = () => {
      if (decoder && decoder.child.exitCode === null && decoder.child.signalCode === null) decoder.child.kill('SIGKILL');
    };
    // Aborted by the run (ctx.signal) or by dispose (the run finished): ends waits and ffmpeg.
    const closed = new AbortController();
    const close = () => closed.abort();
    closed.signal.addEventListener('abort', killDecoder, { once: true });
    ctx.signal.addEventListener('abort', close, { once: true });

    const startDecoder = (): Tool => {
      const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', ...rtspInputArgs(url, transport, timeoutS, 0.3)];
      args.push('-map', '0:v:0', '-an', '-sn', '-dn', '-fps_mode', 'passthrough', '-vf', `scale=${width}:${height}`);
      args.push('-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
      return startTool(ffmpegPath, args);
    };

    return {
      live: {
        flow: { policy: ctx.options.flow, maxInFlight: ctx.options.maxInFlight },
        reconnects: () => reconnects,
      },
      async open(): Promise<Record<string, Caps>> {
        requireFfmpeg();
        const probe = await probeRtsp(url, transport, timeoutS);
        if (width === 0 && height === 0) ({ width, height } = probe);
        else if (width === 0) width = even((height * probe.width) / probe.height);
        else if (height === 0) height = even((width * probe.height) / probe.width);
        const fps = ctx.options.fps || probe.fps;
        if (!fps) throw new KindPipeError('config', `the RTSP stream ${shown} does not say its frame rate. Fix: set the camera's rate as option fps, e.g. fps: 25`);
        ctx.log.info(`${shown}: ${probe.codec} ${probe.width}×${probe.height} at ${probe.fps || '?'} fps → frames ${width}×${height}, encoded at ${fps} fps`);
        return { video: { kind: 'video', format: 'rgb24', width, height, stream: { fps, origin: shown } } };
      },
      async *frames(): AsyncGenerator<FrameSet> {
        const policy = new ReconnectPolicy(ctx.options.backoff, ctx.options.backoffMax, maxOutage);
        const frameBytes = width * height * 3;
        let index = 0;
        let first: number | undefined;
        let lastPts = -1;
        while (!closed.signal.aborted) {
          const startedAt = performance.now();
          const tool = (decoder = startDecoder());
          const reader = readFrames(tool.child.stdout!, frameBytes)[Symbol.asyncIterator]();
          let stalled = false;
          let got = 0;
          let readError = '';
          try {
            for (;;) {
              // Armed only while waiting for ffmpeg: a consumer that blocks (flow: block) is not a stall.
              // The first frame of a connection also waits for connecting and ffmpeg's 1 s format analysis.
              const watchdog = setTimeout(() => {
                stalled = true;
                killDecoder();
              }, (got === 0 ? timeoutS + firstFrameExtraS : timeoutS) * 1000);
              let next: IteratorResult<Uint8Array>;
              try {
                next = await reader.next();
              } finally {
                clearTimeout(watchdog);
              }
              if (next.done) break;
              const now = performance.now();
              const outage = policy.recovered(now);
              if (outage !== undefined) {
                reconnects++;
                const connect = (now - startedAt) / 1000;
                ctx.log.info(`${shown}: frames again after a ${outage.toFixed(2)} s outage (reconnect ${reconnects}; ${connect.toFixed(2)} s from connecting to the first frame)`, {
                  event: 'reconnected',
                  reconnects,
                  outage_s: outage,
                  connect_s: connect,
                });
              }
              first ??= now;
              const pts = Math.max((now - first) / 1000, lastPts + 0.001);
              lastPts = pts;
              yield { video: { index, pts, width, height, channels: 3, data: next.value, meta: { capturedAt: Date.now() } } };
              index++;
              got++;
              if (limit > 0 && index >= limit) return;
            }
          } catch (error) {
            readError = (error as Error).message; // a killed ffmpeg may stop mid-frame: a drop like the others
          } finally {
            killDecoder();
          }
          const code = await tool.exited.catch((error: Error) => error.message);
          if (closed.signal.aborted) return;
          const tail = tool.stderrTail();
          const why = (stalled ? `no frame for ${got === 0 ? timeoutS + firstFrameExtraS : timeoutS} s (${got === 0 ? 'connected but no picture' : 'stalled'})` : `ffmpeg ended (exit ${code})${tail ? `: ${tail}` : readError ? `: ${readError}` : ''}`).replace(/\s*\n\s*/g, '; '); // one log line
          if (!reconnect) {
            if (!stalled && code === 0 && index > 0) return; // the camera ended its stream
            throw new KindPipeError('input', `the RTSP stream ${shown} was lost after ${index} frames: ${why}. Fix: check the camera and the network, or set reconnect: true`);
          }
          const wait = policy.lost(performance.now());
          if (wait === undefined) {
            throw new KindPipeError(
              'input',
              `the RTSP stream ${shown} has given no frame for ${policy.outageS(performance.now()).toFixed(1)} s, longer than maxOutage ${maxOutage} s ` +
                `(last attempt: ${why}). Fix: check the camera and the network, or raise maxOutage (0 = retry forever)`,
            );
          }
          if (got > 0) ctx.log.warn(`${shown}: lost after frame ${index - 1}: ${why}; reconnecting in ${wait} s`, { event: 'lost', frames: index });
          else {
            const down = policy.outageS(performance.now());
            ctx.log.warn(`${shown}: still no frames after ${down.toFixed(1)} s (${why}); next attempt in ${wait} s`, { event: 'retry', outage_s: down });
          }
          await sleep(wait * 1000, closed.signal);
        }
      },
      dispose() {
        ctx.signal.removeEventListener('abort', close);
        close();
        killDecoder();
      },
    };
  },
});

/** Connecting, and ffmpeg's analysis of the stream (rtsp-probe.ts), come before a connection's first frame. */
const firstFrameExtraS = 3;

function even(value: number): number {
  return Math.max(2, 2 * Math.round(value / 2));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
