// @ts-check
/**
 * example.gamma — the smallest useful stage: out = 255·(x/255)^(1/gamma) for every rgb24 value,
 * through a 256-entry table built once in create(), so process() is one table read per byte.
 * gamma > 1 lifts the shadows of a dark clip without clipping the highlights. Plain ES module,
 * no build step.
 *
 * ```yaml
 * plugins: [ ../examples/plugins/gamma ]
 * nodes:
 *   - id: lift
 *     plugin: example.gamma
 *     inputs: { video: decode }
 *     options: { gamma: 2.2 }
 * ```
 */

const gamma = {
  role: /** @type {const} */ ('stage'),
  id: 'example.gamma',
  description: 'gamma correction through a 256-entry lookup table',
  options: {
    gamma: { type: /** @type {const} */ ('number'), description: 'out = 255·(x/255)^(1/gamma); > 1 brightens shadows', default: 2.2, min: 0.1, max: 10 },
  },
  inputs: [{ name: 'video', accepts: { kind: /** @type {const} */ ('video') }, description: 'rgb24 frames' }],
  outputs: [{ name: 'video', produces: { kind: /** @type {const} */ ('video') }, description: 'rgb24 frames of the same size' }],
  example: 'plugin: example.gamma\ninputs: { video: decode }\noptions: { gamma: 2.2 }',
  /** @param {Record<string, any>} inputs */
  negotiate: (inputs) => ({ video: inputs.video }),
  /** @param {{ options: Record<string, number | string | boolean> }} ctx */
  create(ctx) {
    const table = new Uint8Array(256);
    const exponent = 1 / Number(ctx.options.gamma);
    for (let v = 0; v < 256; v++) table[v] = Math.round(255 * Math.pow(v / 255, exponent));
    return {
      /** @param {Record<string, any>} inputs */
      async process(inputs) {
        const frame = inputs.video;
        const input = /** @type {Uint8Array} */ (frame.data);
        const output = new Uint8Array(input.length);
        for (let i = 0; i < input.length; i++) output[i] = table[input[i]];
        return { video: { ...frame, data: output } };
      },
    };
  },
};

/** @param {{ subscriptions: { dispose(): unknown }[]; register(plugin: unknown): { dispose(): unknown } }} ctx */
export function activate(ctx) {
  ctx.subscriptions.push(ctx.register(gamma));
}
