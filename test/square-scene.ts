/**
 * A fixed camera's synthetic night: a dark textured background (a checkerboard whose edges sit
 * off the 32-px tile grid, and a left-to-right ramp), a bright square somewhere, Gaussian sensor
 * noise from a seeded generator (the same frames on every run). The video-mode tests move the
 * square to see whether what recomputes only the changed parts follows it.
 */
export interface SquareScene {
  width: number;
  height: number;
  /** Whether (x, y) lies in the square at frame f. */
  inSquare(f: number, x: number, y: number): boolean;
  /** The square's level, and the background's: base + x·slope, plus checker on alternate squares. */
  square: number;
  base: number;
  slope: number;
  checker: number;
  /** The noise's standard deviation, in code values. */
  sigma: number;
}

/** Frame `f` as rgb24 (the green and blue channels 10 % and 20 % darker); `state` is the generator's. */
export function squareScene(scene: SquareScene, f: number, state: { s: number }): Uint8Array {
  const { width, height } = scene;
  const uniform = () => ((state.s = (state.s * 1664525 + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const gauss = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = scene.inSquare(f, x, y) ? scene.square : scene.base + x * scene.slope + ((((x + 8) >> 4) + ((y + 8) >> 4)) % 2) * scene.checker;
      for (let c = 0; c < 3; c++) out[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v * (1 - 0.1 * c) + scene.sigma * gauss())));
    }
  }
  return out;
}
