import { KindPipeError } from '../../core/errors.js';
import { parseCommandArgs } from '../cli/command-args.js';
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
  const { file, sets, log, help } = parseCommandArgs(argv, {
    command: 'filter',
    usage: filterUsage,
    log: true,
    noInputOutput: 'reads stdin and writes stdout, so there is no input or output path to set. Fix: drop it, or use kind-pipe run',
  });
  if (!file && !help) throw new KindPipeError('usage', `kind-pipe filter needs a pipeline file, e.g. kind-pipe filter pipelines/cctv-night.yaml\n\n${filterUsage}`);
  return { file, sets, log, help };
}
