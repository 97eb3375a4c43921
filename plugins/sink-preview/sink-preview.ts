/**
 * sink.preview — a live before|after view of a run in a web browser, for the operator watching a
 * camera: both sides scaled to one display height (a ×2 super-resolution `after` shows at the
 * same size as its `before`), and the run's counters, redrawn as they change. Served by node:http
 * on 127.0.0.1 (`port: 0` picks a free port; the URL is logged); the picture is an MJPEG stream
 * made by one long-lived ffmpeg, at most `maxFps` pictures a second. A slow browser gets fewer
 * pictures (each viewer keeps only the newest; the replaced ones are counted as dropped) and never
 * slows the pipeline; a busy encoder makes the preview skip frames, never the run wait.
 * At the end the page says "stream ended" with the final counters; `linger` keeps it served that
 * many seconds longer, after every other sink has finished (the run ends after it; Ctrl-C ends it
 * early and removes nothing). Footage is evidence: a host other than loopback needs `public: true`.
 *
 * ```yaml
 * - id: preview
 *   plugin: sink.preview
 *   inputs: { before: decode, after: fuse }
 *   options: { port: 8090, maxFps: 10, linger: 30 }
 * ```
 */
import type { Caps } from '../../core/caps.js';
import type { Disposable } from '../../core/disposable.js';
import { asBytes, copyFrames, type FrameSet } from '../../core/frame.js';
import { requireFfmpeg } from '../../core/media/tool.js';
import { ProgressFeed } from '../../core/progress-feed.js';
import { defineSink, type Services } from '../../core/stage/plugin.js';
import { JpegEncoder } from './jpeg-encoder.js';
import { isLoopback } from './loopback.js';
import { previewPage } from './page.js';
import { PreviewServer } from './preview-server.js';
import { FrameRate } from './frame-rate.js';
import { pack, sideBySide, type SideBySide } from './side-by-side.js';

export const sinkPreview = defineSink({
  role: 'sink',
  id: 'sink.preview',
  description: 'Show before|after side by side and the run counters live in a web browser (MJPEG over node:http)',
  options: {
    host: { type: 'string', description: 'address to serve on; other than loopback only with public: true', default: '127.0.0.1' },
    port: { type: 'integer', description: 'TCP port (0 = pick a free one; the URL is logged)', default: 0, min: 0, max: 65535 },
    public: { type: 'boolean', description: 'allow a host other than loopback: anyone who can reach it sees the footage, without a password', default: false },
    quality: { type: 'integer', description: 'JPEG quality of the preview picture', default: 75, min: 1, max: 100 },
    maxFps: { type: 'number', description: 'at most this many preview pictures a second (frames in between are skipped, not lost: the other sinks get them all)', default: 10, min: 0.1, max: 120 },
    height: { type: 'integer', description: 'display height of each side in px (0 = the after frame height)', default: 0, min: 0, max: 4320 },
    linger: { type: 'number', description: 'seconds to keep serving the ended page after the last frame (the run ends after them)', default: 0, min: 0, max: 86400 },
  },
  inputs: [
    { name: 'before', accepts: { kind: 'video', fixedSize: true }, description: 'the frame as it came in (decoded or normalised)' },
    { name: 'after', accepts: { kind: 'video', fixedSize: true }, description: 'the enhanced frame, of any size' },
  ],
  example: 'plugin: sink.preview\ninputs: { before: decode, after: fuse }\noptions: { port: 8090, linger: 30 }',
  check(options) {
    const host = options.host;
    if (!isLoopback(host) && options.public !== true) {
      return [
        {
          option: 'host',
          message:
            `host '${host}' would show the footage, without a password, to anyone who can reach this machine. ` +
            `Fix: keep host: 127.0.0.1 and open the page here (or through an SSH tunnel), or set public: true if that is intended`,
        },
      ];
    }
    return [];
  },
  create(ctx) {
    const host = ctx.options.host;
    const minGapMs = 1000 / ctx.options.maxFps;
    const lingerS = ctx.options.linger;
    const feed = progressFeed(ctx);
    const rate = new FrameRate();
    let layout: SideBySide | undefined;
    let encoder: JpegEncoder | undefined;
    let server: PreviewServer | undefined;
    let subscription: Disposable | undefined;
    let state: 'waiting' | 'live' | 'ended' | 'stopped' = 'waiting';
    let error: string | undefined;
    let framesIn = 0;
    let encoded = 0;
    let shown = 0;
    let lastEncodeAt = -Infinity;
    let latest: FrameSet | undefined;
    let latestEncoded = false;

    const stats = () => {
      const viewers = server?.counts();
      return {
        node: ctx.nodeId,
        state,
        url: server?.url,
        framesIn,
        shown,
        skipped: framesIn - encoded,
        fps: round(rate.fps(state === 'live')),
        viewers: viewers?.viewers ?? 0,
        pages: viewers?.pages ?? 0,
        dropped: viewers?.dropped ?? 0,
        elapsedS: round(rate.elapsedS()),
        lingerS,
        sizes: layout && { before: `${layout.before.width}×${layout.before.height}`, after: `${layout.after.width}×${layout.after.height}` },
        layout: layout?.display,
        run: feed?.latest ?? null,
        viewerList: viewers?.list ?? [],
        ...(error ? { error } : {}),
      };
    };
    const encode = (frames: FrameSet): boolean => {
      if (!encoder || encoder.busy || encoder.failure) return false;
      encoder.encode(pack(layout!, asBytes(frames.before, 'sink.preview before'), asBytes(frames.after, 'sink.preview after')));
      encoded++;
      return true;
    };
    const close = async () => {
      subscription?.dispose();
      await Promise.all([encoder?.close(), server?.close()]);
    };
    const summary = () => {
      const s = stats();
      ctx.log.info(`preview: ${s.framesIn} frames in, ${s.shown} shown, ${s.skipped} skipped, ${s.dropped} dropped for slow viewers`, {
        frames_in: s.framesIn,
        shown: s.shown,
        skipped: s.skipped,
        dropped: s.dropped,
        viewers: s.viewers,
      });
    };

    return {
      async start(caps: Record<string, Caps>) {
        requireFfmpeg();
        const size = (c: Caps) => ({ width: c.width!, height: c.height! });
        layout = sideBySide(size(caps.before), size(caps.after), ctx.options.height);
        server = new PreviewServer({ host, port: ctx.options.port, public: ctx.options.public, page: previewPage(ctx.nodeId), stats });
        const url = await server.listen();
        encoder = new JpegEncoder(
          layout,
          ctx.options.quality,
          (jpeg) => {
            shown++;
            server!.frame(jpeg);
            server!.statsChanged();
          },
          (message) => {
            error = message;
            ctx.log.warn(`preview encoder failed; the run goes on without a preview picture: ${message}`);
            server!.statsChanged();
          },
        );
        subscription = feed?.subscribe(() => server!.statsChanged());
        if (!isLoopback(host)) ctx.log.warn(`serving the footage on ${url} (host ${host}, public: true) without a password: anyone who can reach this machine can watch`);
        ctx.log.info(`live preview at ${url}  (before | after, ${layout.display.width}×${layout.display.height}, and the counters)`, { url });
      },
      async write(inputs) {
        framesIn++;
        rate.tick();
        state = 'live';
        const now = performance.now();
        latestEncoded = now - lastEncodeAt >= minGapMs && encode(inputs);
        if (latestEncoded) lastEncodeAt = now;
        // Kept for finish(): a copy, as frame memory may be shared and reused after write (core/frame-pool.ts).
        latest = latestEncoded ? undefined : copyFrames(inputs);
        server!.statsChanged();
      },
      async finish() {
        // The last frame is what the ended page shows, even when the rate limit skipped it.
        await encoder!.idle(2000);
        if (latest && !latestEncoded && encode(latest)) await encoder!.idle(2000);
        state = 'ended';
        rate.stop();
        server!.end();
        summary();
        return server!.url;
      },
      // After every sink has finished (the recording is complete under its final name meanwhile,
      // whatever the order of the sinks in the file); always called after finish, so it closes.
      async linger(signal) {
        if (lingerS > 0) {
          ctx.log.info(`preview stays up ${lingerS} s for a last look at ${server!.url} (Ctrl-C closes it; the outputs are complete)`);
          await sleep(lingerS * 1000, signal);
        }
        await close();
      },
      async abort() {
        if (state !== 'ended') state = 'stopped';
        rate.stop();
        server?.end();
        await close();
      },
    };
  },
});

/** The runner's feed of progress reports, when the graph was started by one that has it. */
function progressFeed(services: Services): ProgressFeed | undefined {
  try {
    return services.get<ProgressFeed | undefined>(ProgressFeed) ?? undefined;
  } catch {
    return undefined;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
