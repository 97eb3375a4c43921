import { KindPipeError } from '../../core/errors.js';
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
  const args: ServeArgs = { socket: '', file: '', sets: [], log: 'text', help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new KindPipeError('usage', `${arg} needs a value\n\n${serveUsage}`);
      return v;
    };
    if (arg === '--socket' || arg.startsWith('--socket=')) args.socket = value();
    else if (arg === '--set' || arg.startsWith('--set=')) {
      const set = value();
      if (/^(input|output)=/.test(set)) {
        throw new KindPipeError('usage', `--set ${set}: kind-pipe serve takes frames from the socket and sends them back, so there is no input or output path to set. Fix: drop it`);
      }
      args.sets.push(set);
    } else if (arg === '--log' || arg.startsWith('--log=')) {
      const format = value();
      if (format !== 'text' && format !== 'json') throw new KindPipeError('usage', `--log ${format}: use --log text or --log json`);
      args.log = format;
    } else if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg.startsWith('-')) throw new KindPipeError('usage', `unknown flag ${arg}\n\n${serveUsage}`);
    else if (!args.file) args.file = arg;
    else throw new KindPipeError('usage', `kind-pipe serve takes one pipeline file, got '${args.file}' and '${arg}'\n\n${serveUsage}`);
  }
  if (args.help) return args;
  if (!args.socket) throw new KindPipeError('usage', `kind-pipe serve needs --socket PATH, the Unix socket kindenhance's socket-path names\n\n${serveUsage}`);
  // sun_path holds 108 bytes with the terminating NUL.
  if (Buffer.byteLength(args.socket) > 107) throw new KindPipeError('usage', `--socket ${args.socket}: a Unix socket path may have at most 107 bytes, this one has ${Buffer.byteLength(args.socket)}. Fix: use a shorter path, e.g. under /tmp or $XDG_RUNTIME_DIR`);
  if (!args.file) throw new KindPipeError('usage', `kind-pipe serve needs a pipeline file, e.g. kind-pipe serve --socket ${args.socket} examples/gstreamer/serve.yaml\n\n${serveUsage}`);
  return args;
}
