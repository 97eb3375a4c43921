/**
 * model.image — runs any ONNX image-to-image model (an enhancer, a denoiser, a ×2/×4
 * super-resolution net) on rgb24 frames, with the model's contract stated in the YAML: input and
 * output names, layout, value range, channel order, the size multiple it needs (frames are padded
 * by edge replication and cropped back) and its scale factor. The output caps are the input's
 * times `scale`, known before any frame flows, so a sink after a ×2 model encodes at twice the size.
 *
 * Large frames can be processed in `tile`-pixel tiles that overlap by `overlap` and are blended
 * with feathered weights (plugins/model-image/tiles.ts): exact for models whose receptive field
 * reaches at most overlap/4 pixels. Models that look at the whole frame (an illumination
 * estimate, a global stretch inside the graph) would get a different brightness in each tile:
 * `global: stats` moves the per-frame min-max stretch out of the model into the stage (computed
 * once on the whole frame, the same for every tile); `global: whole` refuses to tile.
 *
 * ```yaml
 * - id: enhance
 *   plugin: model.image
 *   inputs: { video: decode }
 *   options: { path: my-enhancer.onnx, layout: NCHW, range: '0..1', order: rgb, multiple: 8, scale: 1, tile: 512, overlap: 32 }
 * ```
 */
import { videoCaps } from '../../core/caps.js';
import { KindPipeError } from '../../core/errors.js';
import { asBytes, videoFrame } from '../../core/frame.js';
import type { ModelSession } from '../../core/model.js';
import { defineStage } from '../../core/stage/plugin.js';
import { packTensor, tensorSize, unpackPixel, type ImageContract } from './contract.js';
import { modelImageOptions } from './options.js';
import { checkContract, checkSource, openModel, runtimeOptions } from './session.js';
import { feather, spans } from './tiles.js';

export const modelImage = defineStage({
  role: 'stage',
  preferWorker: true,
  id: 'model.image',
  description: 'Any ONNX image-to-image model (enhancer, super-resolution) by registry id or file, with its input contract; tiled for large frames',
  options: modelImageOptions,
  inputs: [{ name: 'video', accepts: { kind: 'video' }, description: 'rgb24 frames' }],
  outputs: [{ name: 'video', produces: { kind: 'video' }, description: 'rgb24 frames, scale × the input size' }],
  example: "plugin: model.image\ninputs: { video: decode }\noptions: { path: my-enhancer.onnx, layout: NCHW, range: '0..1', multiple: 8, scale: 1 }",
  check(options, services) {
    const problems = checkSource(options, services);
    problems.push(...checkContract(options, services));
    if (options.dtype === 'uint8' && options.range !== '0..255') {
      problems.push({ option: 'range', message: `dtype uint8 carries 0..255 values, not ${options.range}. Fix: range: '0..255'` });
    }
    const tile = options.tile;
    const multiple = options.multiple;
    if (tile > 0) {
      if (options.global === 'whole') {
        problems.push({ option: 'tile', message: "global: whole means the model needs the whole frame, so it cannot be tiled. Fix: set tile: 0, or global: stats if the model's only global step is a min-max stretch" });
      }
      if (tile % multiple !== 0) problems.push({ option: 'tile', message: `tile ${tile} is not a multiple of ${multiple}. Fix: tile: ${Math.ceil(tile / multiple) * multiple}` });
      if (2 * options.overlap >= tile) problems.push({ option: 'overlap', message: `overlap ${options.overlap} must be less than half of tile ${tile}` });
    }
    return problems;
  },
  negotiate(inputs, options) {
    const caps = videoCaps(inputs.video);
    const scale = options.scale;
    return { video: { ...caps, width: caps.width === null ? null : caps.width * scale, height: caps.height === null ? null : caps.height * scale } };
  },
  create(ctx) {
    const o = ctx.options;
    const contract: ImageContract = { layout: o.layout, range: o.range, order: o.order };
    const scale = o.scale;
    const multiple = o.multiple;
    const tile = o.global === 'whole' ? 0 : o.tile;
    const overlap = o.overlap;
    let session: ModelSession;
    let input = '';
    let output = '';
    const pixel = new Float32Array(3);
    const pad = (n: number) => Math.ceil(n / multiple) * multiple;
    const direct = (width: number, height: number) =>
      o.dtype === 'uint8' && contract.layout === 'NHWC' && contract.order === 'rgb' && pad(width) === width && pad(height) === height && (tile === 0 || (width <= tile && height <= tile));

    const uint8 = o.dtype === 'uint8';

    async function run(rgb: Float32Array, stride: number, region: { x: number; y: number; width: number; height: number }) {
      const padded = { width: pad(region.width), height: pad(region.height) };
      const dims = contract.layout === 'NCHW' ? [1, 3, padded.height, padded.width] : [1, padded.height, padded.width, 3];
      const packed = packTensor(rgb, stride, region, padded, contract);
      const data = uint8 ? Uint8Array.from(packed, Math.round) : packed;
      const result = (await session.run({ [input]: { data, dims } }))[output];
      const size = tensorSize(result.dims, contract.layout);
      if (size.channels !== 3 || size.width !== padded.width * scale || size.height !== padded.height * scale) {
        throw new KindPipeError(
          'caps',
          `model.image '${ctx.nodeId}': for a ${padded.width}×${padded.height} input the model gave ${size.width}×${size.height}×${size.channels} ('${output}' dims [${result.dims.join(',')}]), ` +
            `expected ${padded.width * scale}×${padded.height * scale}×3. Fix: check scale (${scale}), layout (${contract.layout}) and output`,
        );
      }
      return { data: result.data, size };
    }

    return {
      async start() {
        session = await openModel(o, ctx, runtimeOptions(o));
        input = o.input || session.inputNames[0];
        output = o.output || session.outputNames[0];
        for (const [name, list] of [[input, session.inputNames], [output, session.outputNames]] as const) {
          if (!list.includes(name)) throw new KindPipeError('model', `model.image '${ctx.nodeId}': the model has no '${name}' (it has ${list.join(', ')})`);
        }
      },
      async process(inputs) {
        const frame = inputs.video;
        const bytes = asBytes(frame, 'model.image');
        const { width, height } = frame;
        if (direct(width, height)) {
          // The frame already is the model's tensor (uint8 NHWC rgb, no padding, one tile).
          const result = (await session.run({ [input]: { data: bytes, dims: [1, height, width, 3] } }))[output];
          const size = tensorSize(result.dims, 'NHWC');
          if (result.data instanceof Uint8Array && size.channels === 3 && size.width === width * scale && size.height === height * scale) {
            return { video: { ...videoFrame(frame, result.data), width: size.width, height: size.height } };
          }
          throw new KindPipeError('caps', `model.image '${ctx.nodeId}': for a ${width}×${height} uint8 input the model gave [${result.dims.join(',')}] ${result.data.constructor.name}, expected [1,${height * scale},${width * scale},3] uint8. Fix: check scale, layout and dtype`);
        }
        const rgb = toUnit(bytes, o.global === 'stats');
        const outWidth = width * scale;
        const sum = new Float32Array(outWidth * height * scale * 3);
        const weight = new Float32Array(outWidth * height * scale);
        for (const row of spans(height, tile, overlap)) {
          const rowWeights = feather(row, scale);
          for (const column of spans(width, tile, overlap)) {
            const columnWeights = feather(column, scale);
            const out = await run(rgb, width, { x: column.start, y: row.start, width: column.size, height: row.size });
            for (let y = 0; y < row.size * scale; y++) {
              const oy = row.start * scale + y;
              for (let x = 0; x < column.size * scale; x++) {
                const w = rowWeights[y] * columnWeights[x];
                const p = oy * outWidth + column.start * scale + x;
                unpackPixel(out.data, out.size, x, y, contract, pixel);
                sum[p * 3] += w * pixel[0];
                sum[p * 3 + 1] += w * pixel[1];
                sum[p * 3 + 2] += w * pixel[2];
                weight[p] += w;
              }
            }
          }
        }
        const result = new Uint8Array(sum.length);
        let broken = 0;
        for (let i = 0; i < sum.length; i++) {
          const value = sum[i] / weight[(i / 3) | 0];
          if (value !== value || value === Infinity || value === -Infinity) broken++;
          result[i] = value <= 0 ? 0 : value >= 1 ? 255 : Math.round(value * 255);
        }
        // NaN would pass as black and Inf as white: a broken model must not look like a dark scene (#17).
        if (broken > 0) {
          throw new KindPipeError('model', `model.image '${ctx.nodeId}': the model gave ${broken} of ${sum.length} values NaN or infinite on frame ${frame.index}. Fix: check the ONNX file (a broken export, or a model that expects another range: range is ${contract.range})`);
        }
        return { video: { ...videoFrame(frame, result), width: outWidth, height: height * scale } };
      },
      dispose: () => session?.dispose(),
    };
  },
});

/** rgb24 bytes as 0..1 floats; with `stretch`, min-max stretched over the whole frame. */
function toUnit(bytes: Uint8Array, stretch: boolean): Float32Array {
  let min = 0;
  let max = 255;
  if (stretch) {
    min = 255;
    max = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] < min) min = bytes[i];
      if (bytes[i] > max) max = bytes[i];
    }
  }
  const scale = 1 / Math.max(max - min, 1);
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = (bytes[i] - min) * scale;
  return out;
}
