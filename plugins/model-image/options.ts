import { runtimeOptionSchema } from '../../core/model.js';
import type { OptionsOf, OptionsSchema } from '../../core/options.js';

/**
 * model.image's options, apart from the plugin so that session.ts types its helpers by them.
 * Flat, not tagged: `model` and `path` exclude each other, but neither is a mode with values to
 * list; check() says which one to give (checkSource).
 */
export const modelImageOptions = {
  model: { type: 'string', description: "registry id ('kind-pipe models'); or leave empty and give path", default: '' },
  network: { type: 'string', description: 'which network of a registry model with several (e.g. decom)', default: '' },
  path: { type: 'path', description: 'ONNX file, relative to the current folder', default: '' },
  sha256: { type: 'string', description: 'expected sha256 of the file; checked before it is opened', default: '' },
  input: { type: 'string', description: "the model's image input name (empty: its first input)", default: '' },
  output: { type: 'string', description: "the model's image output name (empty: its first output)", default: '' },
  layout: { type: 'string', description: 'tensor layout of input and output', default: 'NCHW', enum: ['NCHW', 'NHWC'] },
  range: { type: 'string', description: 'pixel value range of input and output', default: '0..1', enum: ['0..1', '0..255', '-1..1'] },
  order: { type: 'string', description: 'channel order of input and output', default: 'rgb', enum: ['rgb', 'bgr'] },
  dtype: { type: 'string', description: "tensor element type; uint8 (with range '0..255') hands NHWC rgb frames over without conversion", default: 'float32', enum: ['float32', 'uint8'] },
  multiple: { type: 'integer', description: 'H and W must be multiples of this: frames are edge-padded, then cropped back', default: 1, min: 1, max: 256 },
  scale: { type: 'integer', description: 'output size / input size (2 for a ×2 super-resolution model)', default: 1, min: 1, max: 8 },
  tile: { type: 'integer', description: 'tile size in input pixels for frames larger than it (0: whole frames)', default: 0, min: 0, max: 16384 },
  overlap: { type: 'integer', description: 'overlap of neighbouring tiles in input pixels (exact for receptive fields up to overlap/4)', default: 32, min: 0, max: 4096 },
  global: {
    type: 'string',
    description: 'none: the model is local; stats: stretch each frame by its whole-frame min-max before the model (same for every tile); whole: never tile',
    default: 'none',
    enum: ['none', 'stats', 'whole'],
  },
  ...runtimeOptionSchema,
} as const satisfies OptionsSchema;

export type ModelImageOptions = OptionsOf<typeof modelImageOptions>;
