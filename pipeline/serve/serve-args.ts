import { KindPipeError } from '../../core/errors.js';
import { parseCommandArgs } from '../cli/command-args.js';
import type { LogFormat } from '../cli/reporter.js';

/**
 * Connections served at once. Every connection's frames share one set of model sessions, which run
 * one inference at a time, so each client waits about one frame's inference per open connection:
 * with 8, a 320×180 frame came back about every 1.3 s on 2 cores (npm run bench:serve), well
 * inside kindenhance's default timeout-ms of 5000; with 20, about every 4.7 s, at its edge.
 */
export const defaultMaxConnections = 8;

/**
 * Largest frame, in pixels: 4K UHD, the largest a CCTV camera commonly sends. KinD's float tensors
 * cost about 60 bytes a pixel in flight (image, R, I, restored, I', fused), half a gigabyte for one
 * 4K frame before the nets' own activations; an 8K header would ask for 2 GB per connection.
 */
export const defaultMaxFramePixels = 3840 * 2160;

export const serveUsage = `usage: kind-pipe serve --socket PATH FILE [--set NODE.OPTION=VALUE]... [--log text|json]
                       [--max-connections N] [--max-frame-pixels N|WxH]
Listens on the Unix socket PATH (mode 0600) for the kindenhance GStreamer element and runs FILE's
processing stages (everything between its source and its sink) on the frames each element sends,
a graph per connection; the models are loaded once and shared by every connection (each keeps
its own temporal state). SIGTERM or Ctrl-C stops: frames in flight are finished (3 s at most),
the socket file is removed, exit 0. See docs/gstreamer-protocol.md and examples/gstreamer/.
  --max-connections N     connections served at once (default ${defaultMaxConnections}); one more is answered with an
                          error saying the server is full, and closed
  --max-frame-pixels N    largest width × height a frame may have, as a number or WxH (default
                          3840x2160); a bigger header is answered with an error before its
                          payload is read, and that connection is closed
  kind-pipe serve --socket /tmp/kind.sock pipelines/cctv-night.yaml &
  gst-launch-1.0 filesrc location=night.mp4 ! decodebin ! videoconvert \\
    ! kindenhance socket-path=/tmp/kind.sock ! videoconvert ! vp8enc deadline=1 ! webmmux ! filesink location=out.webm`;

export interface ServeArgs {
  socket: string;
  file: string;
  sets: string[];
  log: LogFormat;
  help: boolean;
  maxConnections: number;
  maxFramePixels: number;
}

export function parseServeArgs(argv: readonly string[]): ServeArgs {
  const { file, sets, log, help, values } = parseCommandArgs(argv, {
    command: 'serve',
    usage: serveUsage,
    flags: ['--socket', '--max-connections', '--max-frame-pixels'],
    log: true,
    noInputOutput: 'takes frames from the socket and sends them back, so there is no input or output path to set. Fix: drop it',
  });
  if (help) return { socket: '', file, sets, log, help, maxConnections: defaultMaxConnections, maxFramePixels: defaultMaxFramePixels };
  const args: ServeArgs = {
    socket: values['--socket'] ?? '',
    file,
    sets,
    log,
    help,
    maxConnections: wholeNumber('--max-connections', values['--max-connections'] ?? String(defaultMaxConnections)),
    maxFramePixels: framePixels(values['--max-frame-pixels'] ?? String(defaultMaxFramePixels)),
  };
  if (!args.socket) throw new KindPipeError('usage', `kind-pipe serve needs --socket PATH, the Unix socket kindenhance's socket-path names\n\n${serveUsage}`);
  // sun_path holds 108 bytes with the terminating NUL.
  if (Buffer.byteLength(args.socket) > 107) throw new KindPipeError('usage', `--socket ${args.socket}: a Unix socket path may have at most 107 bytes, this one has ${Buffer.byteLength(args.socket)}. Fix: use a shorter path, e.g. under /tmp or $XDG_RUNTIME_DIR`);
  if (!args.file) throw new KindPipeError('usage', `kind-pipe serve needs a pipeline file, e.g. kind-pipe serve --socket ${args.socket} examples/gstreamer/serve.yaml\n\n${serveUsage}`);
  return args;
}

function wholeNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new KindPipeError('usage', `${flag} ${text}: give a whole number, 1 or more\n\n${serveUsage}`);
  return value;
}

/** `--max-frame-pixels 8294400` or `--max-frame-pixels 3840x2160`. */
function framePixels(text: string): number {
  const size = /^(\d+)[x×](\d+)$/.exec(text);
  return size ? wholeNumber('--max-frame-pixels', String(Number(size[1]) * Number(size[2]))) : wholeNumber('--max-frame-pixels', text);
}
