import { KindPipeError } from '../../core/errors.js';
import { parseCommandArgs } from '../cli/command-args.js';
import type { LogFormat } from '../cli/reporter.js';

export const serveUsage = `usage: kind-pipe serve --socket PATH FILE [--set NODE.OPTION=VALUE]... [--log text|json]
Listens on the Unix socket PATH (mode 0600) for the kindenhance GStreamer element and runs FILE's
processing stages (everything between its source and its sink) on the frames each element sends,
one graph per connection. SIGTERM or Ctrl-C stops: frames in flight are finished (3 s at most),
the socket file is removed, exit 0. See docs/gstreamer-protocol.md and examples/gstreamer/.
  kind-pipe serve --socket /tmp/kind.sock pipelines/cctv-night.yaml &
  gst-launch-1.0 filesrc location=night.mp4 ! decodebin ! videoconvert \\
    ! kindenhance socket-path=/tmp/kind.sock ! videoconvert ! vp8enc deadline=1 ! webmmux ! filesink location=out.webm`;

export interface ServeArgs {
  socket: string;
  file: string;
  sets: string[];
  log: LogFormat;
  help: boolean;
}

export function parseServeArgs(argv: readonly string[]): ServeArgs {
  const { file, sets, log, help, values } = parseCommandArgs(argv, {
    command: 'serve',
    usage: serveUsage,
    flags: ['--socket'],
    log: true,
    noInputOutput: 'takes frames from the socket and sends them back, so there is no input or output path to set. Fix: drop it',
  });
  const args: ServeArgs = { socket: values['--socket'] ?? '', file, sets, log, help };
  if (args.help) return args;
  if (!args.socket) throw new KindPipeError('usage', `kind-pipe serve needs --socket PATH, the Unix socket kindenhance's socket-path names\n\n${serveUsage}`);
  // sun_path holds 108 bytes with the terminating NUL.
  if (Buffer.byteLength(args.socket) > 107) throw new KindPipeError('usage', `--socket ${args.socket}: a Unix socket path may have at most 107 bytes, this one has ${Buffer.byteLength(args.socket)}. Fix: use a shorter path, e.g. under /tmp or $XDG_RUNTIME_DIR`);
  if (!args.file) throw new KindPipeError('usage', `kind-pipe serve needs a pipeline file, e.g. kind-pipe serve --socket ${args.socket} examples/gstreamer/serve.yaml\n\n${serveUsage}`);
  return args;
}
