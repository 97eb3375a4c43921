/**
 * kind.decom — KinD's Decomposition net: splits a stretched frame into reflectance R (colour,
 * 3 channels) and illumination I (1 channel), both 0..1. `precision: int8` runs the calibrated
 * int8 file (kind and kind-lite share it).
 *
 * ```yaml
 * - id: decom
 *   plugin: kind.decom
 *   inputs: { image: norm }
 *   options: { model: kind, precision: fp32 }   # int8: calibrated QDQ file
 * ```
 */
import { tensorCaps } from '../../core/caps.js';
import { asFloat, tensorFrame } from '../../core/frame.js';
import { floats, type ModelSession } from '../../core/model.js';
import { defineStage } from '../../core/stage/plugin.js';
import { edgePadding, mirrorPadded } from './edge-padding.js';
import { checkPrecision, dims, openNetwork, precisionOptions, precisionRole } from './network.js';

export const kindDecom = defineStage({
  role: 'stage',
  preferWorker: true,
  id: 'kind.decom',
  description: 'KinD Decomposition net: image → reflectance R and illumination I',
  options: precisionOptions,
  inputs: [{ name: 'image', accepts: { kind: 'tensor', channels: 3 }, description: 'min-max stretched image, 0..1' }],
  outputs: [
    { name: 'reflectance', produces: { kind: 'tensor', channels: 3 }, description: 'R, 0..1' },
    { name: 'illumination', produces: { kind: 'tensor', channels: 1 }, description: 'I, 0..1' },
  ],
  example: 'plugin: kind.decom\ninputs: { image: norm }\noptions: { model: kind }',
  check: checkPrecision('decom'),
  negotiate: (inputs) => ({ reflectance: tensorCaps(inputs.image, 3), illumination: tensorCaps(inputs.image, 1) }),
  create(ctx) {
    let session: ModelSession;
    return {
      async start() {
        session = mirrorPadded(await openNetwork(ctx, 'decom', precisionRole(ctx.options, 'decom')), edgePadding.decom);
      },
      async process(inputs) {
        const image = inputs.image;
        const out = await session.run({ image: { data: asFloat(image, 'kind.decom'), dims: dims(3, image) } });
        return {
          reflectance: tensorFrame(image, 3, floats(out.reflectance, 'kind.decom')),
          illumination: tensorFrame(image, 1, floats(out.illumination, 'kind.decom')),
        };
      },
      dispose: () => session?.dispose(),
    };
  },
});
