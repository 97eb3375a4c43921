import { KindPipeError } from '../../core/errors.js';
import { parseCommandArgs } from '../cli/command-args.js';

export const exportUsage = `usage: kind-pipe export FILE --onnx OUT.onnx [--set NODE.OPTION=VALUE]...

Writes the enhancement part of FILE (normalize → KinD's three networks → fusion) as ONE
self-contained ONNX graph for single-model runtimes: FFmpeg's dnn_processing (ONNX Runtime
backend), DeepStream nvinfer, OpenVINO. Input 'input' and output 'output' are float32
[1,3,H,W] RGB in 0..1, H and W dynamic; the ratio (or auto exposure) and fusion are fixed at
export. Needs /usr/bin/python3 with torch and onnx (apt-get install python3-torch
python3-onnx), or KIND_PIPE_PYTHON naming another Python. See docs/ffmpeg.md.

  kind-pipe export pipelines/cctv-night.yaml --onnx kind-night.onnx --set illum.mode=ratio --set illum.ratio=3

Temporal smoothing cannot live in a single-frame graph: normalize 'temporal' is exported as
per-frame 'minmax', and illumination 'auto' picks its ratio from each frame alone (a warning
says so).`;

export interface ExportArgs {
  file: string;
  out: string;
  sets: string[];
  help: boolean;
}

export function parseExportArgs(argv: readonly string[]): ExportArgs {
  const { file, sets, help, values } = parseCommandArgs(argv, { command: 'export', usage: exportUsage, flags: ['--onnx'] });
  const args: ExportArgs = { file, out: values['--onnx'] ?? '', sets, help };
  if (args.help) return args;
  if (!args.file) throw new KindPipeError('usage', `kind-pipe export needs a pipeline file, e.g. kind-pipe export pipelines/cctv-night.yaml --onnx kind.onnx\n\n${exportUsage}`);
  if (!args.out) throw new KindPipeError('usage', `kind-pipe export needs --onnx OUT.onnx, the file to write\n\n${exportUsage}`);
  return args;
}
