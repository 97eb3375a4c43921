/**
 * Where to run the networks: changed tiles grouped into a few rectangles, and rectangles cut into
 * pieces of bounded size (activation memory grows with the piece, not the frame).
 */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Bounding boxes (in pixels, clipped to the frame) of the 8-connected groups of changed tiles.
 * Two boxes merge when the window of their union (each grown by `grow` pixels) costs no more than
 * their two windows: one run instead of two whose margins overlap.
 */
export function changedRects(changed: Uint8Array, cols: number, rows: number, tile: number, width: number, height: number, grow: number): Rect[] {
  const seen = new Uint8Array(changed.length);
  const boxes: Box[] = [];
  const stack: number[] = [];
  for (let start = 0; start < changed.length; start++) {
    if (!changed[start] || seen[start]) continue;
    let x0 = cols, y0 = rows, x1 = -1, y1 = -1;
    stack.push(start);
    seen[start] = 1;
    while (stack.length) {
      const t = stack.pop()!;
      const tx = t % cols, ty = (t - tx) / cols;
      x0 = Math.min(x0, tx); x1 = Math.max(x1, tx); y0 = Math.min(y0, ty); y1 = Math.max(y1, ty);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = tx + dx, ny = ty + dy;
          if (nx < 0 || ny < 0 || nx >= cols || ny >= rows) continue;
          const n = ny * cols + nx;
          if (changed[n] && !seen[n]) {
            seen[n] = 1;
            stack.push(n);
          }
        }
      }
    }
    boxes.push({ x0: x0 * tile, y0: y0 * tile, x1: Math.min(width, (x1 + 1) * tile), y1: Math.min(height, (y1 + 1) * tile) });
  }
  const cost = (b: Box) => (Math.min(width, b.x1 + grow) - Math.max(0, b.x0 - grow)) * (Math.min(height, b.y1 + grow) - Math.max(0, b.y0 - grow));
  for (let merged = true; merged; ) {
    merged = false;
    for (let a = 0; a < boxes.length && !merged; a++) {
      for (let b = a + 1; b < boxes.length && !merged; b++) {
        const p = boxes[a], q = boxes[b];
        const union = { x0: Math.min(p.x0, q.x0), y0: Math.min(p.y0, q.y0), x1: Math.max(p.x1, q.x1), y1: Math.max(p.y1, q.y1) };
        if (cost(union) <= cost(p) + cost(q)) {
          boxes[a] = union;
          boxes.splice(b, 1);
          merged = true;
        }
      }
    }
  }
  return boxes.map((b) => ({ x: b.x0, y: b.y0, width: b.x1 - b.x0, height: b.y1 - b.y0 }));
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** `rect` cut into a grid of near-equal pieces no larger than `most` pixels a side. */
export function pieces(rect: Rect, most: number): Rect[] {
  return grid(rect, Math.ceil(rect.width / most), Math.ceil(rect.height / most));
}

/**
 * `rect` cut into the fewest near-equal pieces whose windows (`window` with these arguments) are
 * at most `most` pixels a side. A piece at the frame's edge needs no margin on that side, only
 * `pad`: a 1280×720 frame with 88-px margins fits two 736-px windows, where `pieces` with room
 * for two margins everywhere cut it into six (1.66× the frame's pixels instead of 1.17×).
 * Needs most > 2 × margin + align (a one-pixel piece then fits).
 */
export function fittedPieces(rect: Rect, most: number, margin: number, align: number, width: number, height: number, pad = 0): Rect[] {
  const fits = (cells: Rect[], side: 'width' | 'height') => cells.every((c) => window(c, margin, align, width, height, pad)[side] <= most);
  let nx = 1, ny = 1;
  while (nx < rect.width && !fits(grid(rect, nx, 1), 'width')) nx++;
  while (ny < rect.height && !fits(grid(rect, 1, ny), 'height')) ny++;
  return grid(rect, nx, ny);
}

/** `rect` cut into nx × ny near-equal pieces, row by row. */
function grid(rect: Rect, nx: number, ny: number): Rect[] {
  const out: Rect[] = [];
  for (let j = 0; j < ny; j++) {
    const y = rect.y + Math.round((j * rect.height) / ny), y1 = rect.y + Math.round(((j + 1) * rect.height) / ny);
    for (let i = 0; i < nx; i++) {
      const x = rect.x + Math.round((i * rect.width) / nx), x1 = rect.x + Math.round(((i + 1) * rect.width) / nx);
      out.push({ x, y, width: x1 - x, height: y1 - y });
    }
  }
  return out;
}

/**
 * The window the networks see for `core`: grown by `margin` on every side, its origin moved down
 * to the `align` grid of the frame padded by `pad` (the U-Net's pooling grid then matches the
 * whole frame's), clipped to that padded frame. With `pad` > 0 (a network that mirror-pads the
 * frame, plugins/kind/edge-padding.ts) a side that reaches the frame's edge reaches `pad` beyond
 * it, where `mirroredRect` mirrors the frame, and a window of the whole frame is exactly the
 * whole-frame run's padded input.
 */
export function window(core: Rect, margin: number, align: number, width: number, height: number, pad = 0): Rect {
  const start = (at: number) => Math.max(0 - pad, Math.floor((at - margin + pad) / align) * align - pad); // 0 − pad: +0, not −0, when pad is 0
  const end = (at: number, size: number) => (at + margin >= size ? size + pad : at + margin);
  const x = start(core.x), y = start(core.y);
  return { x, y, width: end(core.x + core.width, width) - x, height: end(core.y + core.height, height) - y };
}

/** The tiles set in `map` and their 8 neighbours. */
export function dilate(map: Uint8Array, cols: number, rows: number): Uint8Array {
  const out = new Uint8Array(map.length);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      if (!map[y * cols + x]) continue;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx, ny = y + dy;
        if (nx >= 0 && ny >= 0 && nx < cols && ny < rows) out[ny * cols + nx] = 1;
      }
    }
  }
  return out;
}
