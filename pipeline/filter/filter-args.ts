import { KindPipeError } from '../../core/errors.js';
import type { LogFormat } from '../cli/reporter.js';

export const filterUsage = `usage: kind-pipe filter FILE [--set NODE.OPTION=VALUE]... [--log text|json]

Reads YUV4MPEG2 (y4m) on stdin, runs FILE's processing stages (everything between its source and
its sink), writes y4m on stdout. Progress and messages go to stderr. See docs/ffmpeg.md.

  ffmpeg -i cam.mp4 -f yuv4mpegpipe - | kind-pipe filter pipelines/cctv-night.yaml \\
    | ffmpeg -i - -i cam.mp4 -map 0:v -map 1:a? -c:a copy cam-enhanced.mp4

The source and sink keep their ids: --set decode.interlaced=progressive, --set encode.chroma=444.
Exit 5 when the reader of stdout closes it before the end.`;

export interface FilterArgs {
  file: string;
  sets: string[];
  log: LogFormat;
  help: boolean;
}

export function parseFilterArgs(argv: readonly string[]): FilterArgs {
  const args: FilterArgs = { file: '', sets: [], log: 'text', help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new KindPipeError('usage', `${arg} needs a value\n\n${filterUsage}`);
      return v;
    };
    if (arg === '--set' || arg.startsWith('--set=')) {
      const set = arg === '--set' ? argv[++i] : arg.slice('--set='.length);
      if (set === undefined) throw new KindPipeError('usage', `--set needs KEY=VALUE\n\n${filterUsage}`);
      if (/^(input|output)=/.test(set)) {
        throw new KindPipeError('usage', `--set ${set}: kind-pipe filter reads stdin and writes stdout, so there is no input or output path to set. Fix: drop it, or use kind-pipe run`);
      }
      args.sets.push(set);
    } else if (arg === '--log' || arg.startsWith('--log=')) {
      const format = value();
      if (format !== 'text' && format !== 'json') throw new KindPipeError('usage', `--log ${format}: use --log text or --log json`);
      args.log = format;
    } else if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg.startsWith('-')) throw new KindPipeError('usage', `unknown flag ${arg}\n\n${filterUsage}`);
    else if (!args.file) args.file = arg;
    else throw new KindPipeError('usage', `kind-pipe filter takes one pipeline file, got '${args.file}' and '${arg}'\n\n${filterUsage}`);
  }
  if (!args.file && !args.help) throw new KindPipeError('usage', `kind-pipe filter needs a pipeline file, e.g. kind-pipe filter pipelines/cctv-night.yaml\n\n${filterUsage}`);
  return args;
}
