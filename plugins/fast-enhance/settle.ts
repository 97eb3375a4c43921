/**
 * Map hysteresis for a fixed camera. The net sees 40 px around each pixel, so every re-run (a
 * refresh, a window around what moved) gives new maps wherever anything changed within that
 * field: the recorder's noise, or a headlight passing, moves the curves of a dark road whose own
 * pixels never changed (night-road: 89 % of its still pixels did not change at all in the input
 * and changed 0.64 code values in the output; the input's own change there, scaled by the
 * brightening, was 0.88 against the output's 1.34 overall).
 *
 * So a low-resolution pixel's fresh maps come in whole only where they move its output `big`
 * code values or more; a smaller move comes in in proportion (step / big of the way, never less
 * than `rate`, a frame): what noise does through the net is damped, and a bright object's reach
 * into its surroundings, large, follows it with no trail.
 *
 * `maps` (6 planes: P for R,G,B then Q in code values, as kernels.ts lays them out) holds the
 * fresh maps and becomes the settled ones; `held` holds the maps as they were and becomes the
 * same; `low` is this frame's block means (3 planes, 0..1), at which a move is judged. Rows
 * `from`..`to` only. Returns how many pixels took their fresh maps whole.
 */
export function settleMaps(maps: Float32Array, held: Float32Array, low: Float32Array, width: number, height: number, from: number, to: number, big: number, rate: number): number {
  const plane = width * height;
  let whole = 0;
  for (let i = from * width; i < to * width; i++) {
    let step = 0;
    for (let c = 0; c < 3; c++) {
      step = Math.max(step, Math.abs((maps[i + c * plane] - held[i + c * plane]) * 255 * low[i + c * plane] + maps[i + (c + 3) * plane] - held[i + (c + 3) * plane]));
    }
    if (step >= big) whole++;
    const r = step >= big ? 1 : Math.max(rate, step / big);
    for (let c = 0; c < 6; c++) maps[i + c * plane] = held[i + c * plane] += r * (maps[i + c * plane] - held[i + c * plane]);
  }
  return whole;
}
