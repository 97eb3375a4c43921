/**
 * kind.fuse — puts the enhanced frame together (the official KinD recipe, from its evaluate.py):
 *   w = min(sqrt(2 · gauss_σ3(gray(R))), 1);  fused = R' · w · I';  out = I · x + (1 − I) · fused
 * where x is the stretched input, R/I the decomposition, R' the restored reflectance and I' the
 * adjusted illumination. Bright regions keep the input (I close to 1); dark ones take the
 * enhancement. `mode: product` gives the plain Retinex product R' · I', which the shipped pipelines
 * use: with this project's weights it scores higher (the official recipe blends the noisy input back
 * in and caps PSNR at ~22.4 dB even with perfect R and I on synthetic pairs; models/kind/MODEL_CARD.md).
 *
 * ```yaml
 * - id: fuse
 *   plugin: kind.fuse
 *   inputs: { image: norm, reflectance: decom.reflectance, illumination: decom.illumination,
 *             restored: restore, adjusted: illum }
 *   options: { mode: official }
 * ```
 */
import { videoCaps } from '../../core/caps.js';
import { KindPipeError } from '../../core/errors.js';
import { asFloat, videoFrame } from '../../core/frame.js';
import { defineStage } from '../../core/stage/plugin.js';
import { gaussianBlur } from './gaussian.js';

export const kindFuse = defineStage({
  role: 'stage',
  preferWorker: true,
  id: 'kind.fuse',
  description: "Fuse x, R, I, R', I' into the enhanced rgb24 frame (official KinD recipe, or R'·I')",
  options: {
    mode: { type: 'string', description: "official: KinD's fusion recipe; product: R' · I' (what the shipped pipelines use)", default: 'official', enum: ['official', 'product'] },
    sigma: { type: 'number', description: 'official mode: sigma of the Gaussian on gray(R)', default: 3, min: 0.5, max: 20, when: { mode: ['official'] } },
  },
  inputs: [
    { name: 'image', accepts: { kind: 'tensor', channels: 3 }, description: 'x: the stretched input' },
    { name: 'reflectance', accepts: { kind: 'tensor', channels: 3 }, description: 'R from kind.decom' },
    { name: 'illumination', accepts: { kind: 'tensor', channels: 1 }, description: 'I from kind.decom' },
    { name: 'restored', accepts: { kind: 'tensor', channels: 3 }, description: "R' from kind.restore" },
    { name: 'adjusted', accepts: { kind: 'tensor', channels: 1 }, description: "I' from kind.illumination" },
  ],
  outputs: [{ name: 'video', produces: { kind: 'video' }, description: 'enhanced rgb24 frames' }],
  // R' · I' needs neither x, R nor I: on a worker they are not handed across.
  reads: (options) => (options.mode === 'official' ? ['image', 'reflectance', 'illumination', 'restored', 'adjusted'] : ['restored', 'adjusted']),
  example: 'plugin: kind.fuse\ninputs: { image: norm, reflectance: decom.reflectance, illumination: decom.illumination, restored: restore, adjusted: illum }',
  negotiate(inputs) {
    const { image } = inputs;
    for (const [name, caps] of Object.entries(inputs)) {
      if (caps.width !== image.width || caps.height !== image.height) {
        throw new KindPipeError('caps', `kind.fuse: input '${name}' is ${caps.width}×${caps.height} but 'image' is ${image.width}×${image.height}: all inputs must be one size`);
      }
    }
    return { video: videoCaps(image) };
  },
  create(ctx) {
    const o = ctx.options;
    return {
      async process(inputs) {
        const x = asFloat(inputs.image, 'kind.fuse image');
        const r = asFloat(inputs.reflectance, 'kind.fuse reflectance');
        const light = asFloat(inputs.illumination, 'kind.fuse illumination');
        const restored = asFloat(inputs.restored, 'kind.fuse restored');
        const adjusted = asFloat(inputs.adjusted, 'kind.fuse adjusted');
        const { width, height } = inputs.image;
        const plane = width * height;
        let weight: Float32Array | undefined;
        if (o.mode === 'official') {
          const gray = new Float32Array(plane);
          for (let p = 0; p < plane; p++) gray[p] = 0.299 * r[p] + 0.587 * r[plane + p] + 0.114 * r[2 * plane + p];
          weight = gaussianBlur(gray, width, height, o.sigma);
          for (let p = 0; p < plane; p++) weight[p] = Math.min(Math.sqrt(2 * Math.max(weight[p], 0)), 1);
        }
        const out = new Uint8Array(plane * 3);
        for (let p = 0; p < plane; p++) {
          const lit = adjusted[p];
          for (let c = 0; c < 3; c++) {
            const fused = restored[c * plane + p] * lit;
            const value = weight ? light[p] * x[c * plane + p] + (1 - light[p]) * fused * weight[p] : fused;
            out[p * 3 + c] = value <= 0 ? 0 : value >= 1 ? 255 : Math.round(value * 255);
          }
        }
        return { video: videoFrame(inputs.image, out) };
      },
    };
  },
});
