import type { Y4mChroma } from './y4m-chroma.js';

/** Where each plane of one y4m frame lies, in samples and bytes. */
export interface Y4mLayout {
  /** Luma, then Cb and Cr (and alpha); chroma planes round odd sizes up, as ffmpeg does. */
  planes: { width: number; height: number; offset: number; bytes: number }[];
  /** 1 for 8-bit samples, 2 for 16-bit little-endian words (9 to 16 bits). */
  bytesPerSample: 1 | 2;
  /** Bytes of picture data after each `FRAME…\n` line. */
  frameBytes: number;
}

export function y4mLayout(width: number, height: number, chroma: Pick<Y4mChroma, 'shiftX' | 'shiftY' | 'planes' | 'depth'>): Y4mLayout {
  const bytesPerSample = chroma.depth > 8 ? 2 : 1;
  const chromaWidth = Math.ceil(width / (1 << chroma.shiftX));
  const chromaHeight = Math.ceil(height / (1 << chroma.shiftY));
  const sizes = [[width, height], [chromaWidth, chromaHeight], [chromaWidth, chromaHeight], [width, height]].slice(0, chroma.planes);
  let offset = 0;
  const planes = sizes.map(([w, h]) => {
    const plane = { width: w, height: h, offset, bytes: w * h * bytesPerSample };
    offset += plane.bytes;
    return plane;
  });
  return { planes, bytesPerSample, frameBytes: offset };
}
