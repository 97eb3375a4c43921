import test from 'ava';
import { Background } from './background.js';

const width = 96;
const height = 64;
const options = { maxFrames: 24, threshold: 1.8, globalChange: 0.5 };

/** A seeded Gaussian (Box–Muller on a small LCG): the same noise every run. */
function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => ((s = (s * 1664525 + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** A dark static scene (a gradient with texture) under `level` brightness, a bright square at `square` (or none). */
function scene(level: number, square?: { x: number; y: number; size: number }): Uint8Array {
  const frame = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = square && x >= square.x && x < square.x + square.size && y >= square.y && y < square.y + square.size;
      const v = inside ? 200 : level * (20 + x / 4 + ((x >> 3) + (y >> 3)) % 2 * 8);
      frame.set([v, v * 0.9, v * 0.8], (y * width + x) * 3);
    }
  }
  return frame;
}

function noisy(clean: Uint8Array, noise: () => number, sigma: number): Uint8Array {
  return clean.map((v) => Math.max(0, Math.min(255, Math.round(v + sigma * noise()))));
}

function rmse(a: Uint8Array, b: Uint8Array, pixels?: (p: number) => boolean): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    if (pixels && !pixels(Math.floor(i / 3))) continue;
    sum += (a[i] - b[i]) ** 2;
    n++;
  }
  return Math.sqrt(sum / n);
}

test('the static scene converges: after 24 frames its error is a fraction of the noise (#16)', (t) => {
  const noise = gaussian(1);
  const background = new Background(width, height, options);
  const clean = scene(1);
  const out = new Uint8Array(clean.length);
  let first = 0;
  for (let i = 0; i < 24; i++) {
    const frame = noisy(clean, noise, 6);
    background.push(frame, out);
    if (i === 0) first = rmse(out, clean);
  }
  const last = rmse(out, clean);
  t.log(`rmse ${first.toFixed(2)} → ${last.toFixed(2)} (σ 6; 1/√24 would be ${(6 / Math.sqrt(24)).toFixed(2)})`);
  t.true(first > 5);
  t.true(last < 6 / 2.5, `rmse after 24 frames ${last.toFixed(2)}`);
  t.true(Math.abs(background.noiseAt(30) - 6) < 2, `noise estimate ${background.noiseAt(30).toFixed(2)}`);
});

test('a bright object crossing a dark static scene leaves no trail: the pixels it left are background again within 2 frames (#16)', (t) => {
  const noise = gaussian(2);
  const background = new Background(width, height, options);
  const out = new Uint8Array(width * height * 3);
  for (let i = 0; i < 20; i++) background.push(noisy(scene(1), noise, 6), out);
  let worstTrail = 0;
  let worstObject = 0;
  for (let step = 0; step < 10; step++) {
    const square = { x: 10 + step * 6, y: 20, size: 16 };
    const clean = scene(1, square);
    background.push(noisy(clean, noise, 6), out);
    // The object itself: as the frame shows it (no averaging with the background behind it).
    const inObject = (p: number) => {
      const x = p % width;
      const y = Math.floor(p / width);
      return x >= square.x && x < square.x + square.size && y >= square.y && y < square.y + square.size;
    };
    worstObject = Math.max(worstObject, rmse(out, clean, inObject));
    if (step >= 2) {
      // Pixels the square covered two frames ago and no longer covers.
      const old = { x: 10 + (step - 2) * 6, y: 20, size: 16 };
      const left = (p: number) => {
        const x = p % width;
        const y = Math.floor(p / width);
        return x >= old.x && x < old.x + old.size && y >= old.y && y < old.y + old.size && !inObject(p);
      };
      worstTrail = Math.max(worstTrail, rmse(out, clean, left));
    }
  }
  t.log(`worst rmse: inside the object ${worstObject.toFixed(2)}, where it was 2 frames before ${worstTrail.toFixed(2)} (σ 6)`);
  t.true(worstObject < 6 * 1.5, 'the object passes unsmeared');
  t.true(worstTrail < 6 * 1.5, 'no trail: what it left is background (noise level), not the bright object');
});

test('a lamp switching on (+60 % over the whole frame) restarts every pixel at once, without a ghost of the dark scene (#16)', (t) => {
  const noise = gaussian(3);
  const background = new Background(width, height, options);
  const out = new Uint8Array(width * height * 3);
  for (let i = 0; i < 20; i++) background.push(noisy(scene(1), noise, 4), out);
  const bright = scene(1.6);
  background.push(noisy(bright, noise, 4), out);
  t.is(background.resets, 1);
  t.true(rmse(out, bright) < 6, `rmse right after the change ${rmse(out, bright).toFixed(2)}`);
});

test('tiny and very wide frames work (edges clamp)', (t) => {
  for (const [w, h] of [[1, 1], [4000, 3]]) {
    const background = new Background(w, h, options);
    const frame = new Uint8Array(w * h * 3).fill(40);
    const out = new Uint8Array(frame.length);
    background.push(frame, out);
    background.push(frame, out);
    t.deepEqual(out, frame);
  }
});
