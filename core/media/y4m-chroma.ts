/**
 * The YUV4MPEG2 `C` tags kind-pipe reads and writes: the chroma subsampling, the planes and the bit
 * depth each one means (the tags ffmpeg's yuv4mpegpipe muxer and demuxer know). Samples above 8
 * bits are 16-bit little-endian words.
 */
export interface Y4mChroma {
  /** The tag after `C`, e.g. `420jpeg`, `444p10`, `mono`. */
  tag: string;
  /** log2 of the horizontal and vertical chroma subsampling (4:2:0 → 1, 1; 4:1:1 → 2, 0). */
  shiftX: number;
  shiftY: number;
  /** 1 = luma only (mono), 3 = Y Cb Cr, 4 = Y Cb Cr + alpha (`444alpha`, alpha is ignored). */
  planes: 1 | 3 | 4;
  /** Bits per sample, 8 to 16. */
  depth: number;
  /** The `XYSCSS=` value ffmpeg writes beside the tag (mjpegtools' older spelling), if any. */
  yscss?: string;
}

const table = new Map<string, Y4mChroma>();
const add = (tag: string, shiftX: number, shiftY: number, planes: 1 | 3 | 4, depth: number, yscss?: string) =>
  table.set(tag, { tag, shiftX, shiftY, planes, depth, yscss });

add('420jpeg', 1, 1, 3, 8, '420JPEG');
add('420mpeg2', 1, 1, 3, 8, '420MPEG2');
add('420paldv', 1, 1, 3, 8, '420PALDV');
add('411', 2, 0, 3, 8, '411');
add('422', 1, 0, 3, 8, '422');
add('444', 0, 0, 3, 8, '444');
add('444alpha', 0, 0, 4, 8);
add('mono', 0, 0, 1, 8);
for (const depth of [9, 10, 12, 14, 16]) {
  add(`420p${depth}`, 1, 1, 3, depth, `420P${depth}`);
  add(`422p${depth}`, 1, 0, 3, depth, `422P${depth}`);
  add(`444p${depth}`, 0, 0, 3, depth, `444P${depth}`);
}
for (const depth of [9, 10, 12, 16]) add(`mono${depth}`, 0, 0, 1, depth);

/** `420` alone is mjpegtools' name for 420jpeg. */
const aliases: Readonly<Record<string, string>> = { '420': '420jpeg' };

/** Every tag, in the order above (for messages and option lists). */
export const y4mChromaTags: readonly string[] = [...table.keys()];

/** The chroma a `C` tag (or an `XYSCSS=` value, any case) names, or undefined if unknown. */
export function y4mChroma(tag: string): Y4mChroma | undefined {
  const lower = tag.toLowerCase();
  return table.get(aliases[lower] ?? lower);
}
