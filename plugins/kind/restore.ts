/**
 * kind.restore — KinD's Restoration net: a U-Net that denoises and de-colour-casts the
 * reflectance, guided by the illumination (dark regions carry the most noise). `precision: int8`
 * runs the calibrated int8 file (model kind only; kind-lite has none).
 *
 * ```yaml
 * - id: restore
 *   plugin: kind.restore
 *   inputs: { reflectance: decom.reflectance, illumination: decom.illumination }
 *   options: { model: kind, precision: fp32 }   # int8: calibrated QDQ file
 * ```
 */
import { tensorCaps } from '../../core/caps.js';
import { asFloat, tensorFrame } from '../../core/frame.js';
import { floats, type ModelSession } from '../../core/model.js';
import { defineStage } from '../../core/stage/plugin.js';
import { edgePadding, mirrorPadded } from './edge-padding.js';
import { checkPrecision, dims, openNetwork, precisionOptions, precisionRole } from './network.js';

export const kindRestore = defineStage({
  role: 'stage',
  preferWorker: true,
  id: 'kind.restore',
  description: "KinD Restoration net: reflectance R, guided by illumination I → restored R'",
  options: precisionOptions,
  inputs: [
    { name: 'reflectance', accepts: { kind: 'tensor', channels: 3 }, description: "R from kind.decom" },
    { name: 'illumination', accepts: { kind: 'tensor', channels: 1 }, description: "I from kind.decom" },
  ],
  outputs: [{ name: 'restored', produces: { kind: 'tensor', channels: 3 }, description: "R', 0..1" }],
  example: 'plugin: kind.restore\ninputs: { reflectance: decom.reflectance, illumination: decom.illumination }',
  check: checkPrecision('restore'),
  negotiate: (inputs) => ({ restored: tensorCaps(inputs.reflectance, 3) }),
  create(ctx) {
    let session: ModelSession;
    return {
      async start() {
        session = mirrorPadded(await openNetwork(ctx, 'restore', precisionRole(ctx.options, 'restore')), edgePadding.restore);
      },
      async process(inputs) {
        const { reflectance, illumination } = inputs;
        const out = await session.run({
          reflectance: { data: asFloat(reflectance, 'kind.restore'), dims: dims(3, reflectance) },
          illumination: { data: asFloat(illumination, 'kind.restore'), dims: dims(1, illumination) },
        });
        return { restored: tensorFrame(reflectance, 3, floats(out.restored, 'kind.restore')) };
      },
      dispose: () => session?.dispose(),
    };
  },
});
