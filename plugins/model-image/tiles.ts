/**
 * Tile layout and feathering for large frames. Tiles of `tile` pixels are spread evenly so that
 * neighbours overlap by at least `overlap`. In each overlap the outer quarter next to a tile's
 * inner edge gets weight 0 (the model saw a cut there: padding, missing context), and the middle
 * half cross-fades with a raised cosine; outputs are accumulated with these weights and divided
 * by their sum. A model whose receptive field reaches at most overlap/4 pixels therefore gives
 * exactly what it gives on the whole frame.
 */
export interface Span {
  start: number;
  size: number;
  /** Overlap with the previous and the next span, in input pixels. */
  before: number;
  after: number;
}

/** Spans covering `length` pixels; one span when `tile` is 0 or covers it. */
export function spans(length: number, tile: number, overlap: number): Span[] {
  if (tile <= 0 || length <= tile) return [{ start: 0, size: length, before: 0, after: 0 }];
  const count = Math.ceil((length - overlap) / (tile - overlap));
  const starts = Array.from({ length: count }, (_, k) => Math.round((k * (length - tile)) / (count - 1)));
  return starts.map((start, k) => ({
    start,
    size: tile,
    before: k > 0 ? starts[k - 1] + tile - start : 0,
    after: k < count - 1 ? start + tile - starts[k + 1] : 0,
  }));
}

/** Weight of each output pixel of a span (`scale` output pixels per input pixel). */
export function feather(span: Span, scale: number): Float32Array {
  const length = span.size * scale;
  const weights = new Float32Array(length);
  for (let u = 0; u < length; u++) {
    weights[u] = Math.max(ramp(u, span.before * scale) * ramp(length - 1 - u, span.after * scale), 1e-6);
  }
  return weights;
}

/** 0 over the first quarter of an overlap, a raised cosine over its middle half, then 1. */
function ramp(u: number, overlap: number): number {
  if (overlap <= 0) return 1;
  const margin = Math.floor(overlap / 4);
  const width = overlap - 2 * margin;
  if (u < margin) return 0;
  if (u >= overlap - margin) return 1;
  return 0.5 - 0.5 * Math.cos((Math.PI * (u - margin + 0.5)) / width);
}
