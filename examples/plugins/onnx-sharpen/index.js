// @ts-check
/**
 * example.sharpen — a model-backed stage: an unsharp mask that lives entirely in an ONNX graph
 * (sharpen.onnx, written by make-model.py). rgb24 bytes go into onnxruntime-node as a uint8
 * [1,H,W,3] tensor and come back as one, so no per-pixel work happens in JavaScript. The session
 * is created in start() (model loading never happens in process()), released in dispose(). It
 * asks for a worker thread (`preferWorker`): onnxruntime's run() holds the calling thread.
 * Plain ES module, no build step.
 *
 * ```yaml
 * plugins: [ ../examples/plugins/onnx-sharpen ]
 * nodes:
 *   - id: sharpen
 *     plugin: example.sharpen
 *     inputs: { video: decode }
 *     options: { amount: 1.0 }
 * ```
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';

/** @param {string} pluginPath */
function sharpen(pluginPath) {
  return {
    role: /** @type {const} */ ('stage'),
    id: 'example.sharpen',
    description: 'unsharp mask as an ONNX graph (uint8 in, uint8 out)',
    preferWorker: true,
    options: {
      amount: { type: /** @type {const} */ ('number'), description: 'strength: out = x + amount·(x − blur3×3(x))', default: 1, min: 0, max: 8 },
      threads: { type: /** @type {const} */ ('integer'), description: 'onnxruntime intra-op threads', default: 1, min: 1, max: 16 },
    },
    inputs: [{ name: 'video', accepts: { kind: /** @type {const} */ ('video') }, description: 'rgb24 frames' }],
    outputs: [{ name: 'video', produces: { kind: /** @type {const} */ ('video') }, description: 'sharpened rgb24 frames of the same size' }],
    example: 'plugin: example.sharpen\ninputs: { video: decode }\noptions: { amount: 1.0 }',
    /** @param {Record<string, any>} inputs */
    negotiate: (inputs) => ({ video: inputs.video }),
    /** @param {{ options: Record<string, number | string | boolean> }} ctx */
    create(ctx) {
      /** @type {import('onnxruntime-node').InferenceSession | undefined} */
      let session;
      const amount = new ort.Tensor('float32', new Float32Array([Number(ctx.options.amount)]), [1]);
      return {
        async start() {
          session = await ort.InferenceSession.create(readFileSync(join(pluginPath, 'sharpen.onnx')), {
            intraOpNumThreads: Number(ctx.options.threads),
            interOpNumThreads: 1,
            extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
          });
        },
        /** @param {Record<string, any>} inputs */
        async process(inputs) {
          const frame = inputs.video;
          // Frames may live on shared memory (kind-pipe's frame pool); onnxruntime-node accepts
          // only ordinary ArrayBuffers ('Invalid argument'), so such a frame is copied first.
          const pixels = frame.data.buffer instanceof SharedArrayBuffer ? Uint8Array.from(frame.data) : frame.data;
          const image = new ort.Tensor('uint8', pixels, [1, frame.height, frame.width, 3]);
          const { sharpened } = await /** @type {import('onnxruntime-node').InferenceSession} */ (session).run({ image, amount });
          return { video: { ...frame, data: new Uint8Array(/** @type {Uint8Array} */ (sharpened.data)) } };
        },
        async dispose() {
          await session?.release();
        },
      };
    },
  };
}

/** @param {{ subscriptions: { dispose(): unknown }[]; register(plugin: unknown): { dispose(): unknown }; pluginPath: string }} ctx */
export function activate(ctx) {
  ctx.subscriptions.push(ctx.register(sharpen(ctx.pluginPath)));
}
