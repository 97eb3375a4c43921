/**
 * The YUV4MPEG2 stream header: `YUV4MPEG2 W H F I A C X…` on one line, fields separated by one
 * space, each a letter and its value. Parsed fully and strictly: a field that is malformed names
 * itself and its byte offset.
 */
import { KindPipeError } from '../errors.js';
import { y4mChroma, y4mChromaTags } from './y4m-chroma.js';
import type { YuvMatrix } from './yuv-matrix.js';

export const y4mMagic = 'YUV4MPEG2';

/**
 * ffmpeg's demuxer refuses a stream header longer than this (MAX_YUV4_HEADER), so a header we
 * write stays within it.
 */
export const y4mHeaderLimit = 96;

/** The facts of a y4m stream that a y4m writer needs to write the same kind of stream back. */
export interface Y4mStream {
  /** `F`: frame rate as numerator:denominator; [0, 0] = unknown. */
  rate: [number, number];
  /** `I`: p progressive, t top field first, b bottom field first, m mixed, ? unknown. */
  interlace: 'p' | 't' | 'b' | 'm' | '?';
  /** `A`: pixel aspect ratio; [0, 0] = unknown. */
  aspect: [number, number];
  /** `C`, normalised (`420` → `420jpeg`); `420jpeg` when the header has neither C nor XYSCSS. */
  chroma: string;
  /** `XCOLORRANGE=`; undefined when the header does not say (then limited is assumed). */
  range?: 'limited' | 'full';
  /** Other `X` fields, as written (e.g. vspipe's `XLENGTH=240`), carried to the output. */
  extensions: string[];
  /** The matrix a reader converted the samples to RGB with (y4m has no field for it). */
  matrix?: YuvMatrix;
}

export interface Y4mHeader extends Y4mStream {
  /** `W`, `H`: luma size in pixels. */
  width: number;
  height: number;
  /** `XLENGTH=` (vspipe): frames that follow, when the writer said. */
  length?: number;
}

const maxSize = 32768;

/**
 * Parses one header line (without its '\n'). `origin` names the stream and `at` the byte offset
 * of the line in it, for messages.
 */
export function parseY4mHeader(line: string, origin: string, at = 0): Y4mHeader {
  if (!line.startsWith(`${y4mMagic} `) && line !== y4mMagic) {
    throw new KindPipeError('input', `${origin}: not a YUV4MPEG2 stream: it starts with ${quote(line.slice(0, 16))} where "${y4mMagic} " was expected (byte ${at})`);
  }
  const fail = (offset: number, what: string) => new KindPipeError('input', `${origin}: YUV4MPEG2 header, byte ${at + offset}: ${what}`);
  let width: number | undefined;
  let height: number | undefined;
  let chroma: string | undefined;
  let yscss: string | undefined;
  const header: Omit<Y4mHeader, 'width' | 'height' | 'chroma'> = { rate: [0, 0], interlace: '?', aspect: [0, 0], extensions: [] };
  let offset = y4mMagic.length;
  for (const token of line.slice(y4mMagic.length).split(' ')) {
    const start = offset;
    offset += token.length + 1;
    if (token === '') continue;
    const value = token.slice(1);
    const field = `field ${quote(token)}`;
    switch (token[0]) {
      case 'W':
      case 'H': {
        const size = /^\d+$/.test(value) ? Number(value) : NaN;
        if (!(size >= 1 && size <= maxSize)) throw fail(start, `${field}: the ${token[0] === 'W' ? 'width' : 'height'} must be a whole number from 1 to ${maxSize}`);
        if (token[0] === 'W') width = size;
        else height = size;
        break;
      }
      case 'F':
      case 'A': {
        const ratio = /^(\d+):(\d+)$/.exec(value);
        if (!ratio) throw fail(start, `${field}: expected ${token[0]}N:D, e.g. ${token[0] === 'F' ? 'F30000:1001' : 'A1:1'} (0:0 = unknown)`);
        const pair: [number, number] = [Number(ratio[1]), Number(ratio[2])];
        if ((pair[0] === 0) !== (pair[1] === 0)) throw fail(start, `${field}: a zero in only one half; write 0:0 for unknown`);
        if (token[0] === 'F') header.rate = pair;
        else header.aspect = pair;
        break;
      }
      case 'I':
        if (!['p', 't', 'b', 'm', '?'].includes(value)) throw fail(start, `${field}: interlacing must be Ip, It, Ib, Im or I?`);
        header.interlace = value as Y4mHeader['interlace'];
        break;
      case 'C':
        if (!y4mChroma(value)) throw fail(start, `${field}: unknown chroma tag '${value}'. Known: ${y4mChromaTags.join(', ')}`);
        chroma = y4mChroma(value)!.tag;
        break;
      case 'X':
        if (value.startsWith('COLORRANGE=')) {
          const range = value.slice('COLORRANGE='.length);
          if (range !== 'FULL' && range !== 'LIMITED') throw fail(start, `${field}: XCOLORRANGE must be FULL or LIMITED`);
          header.range = range === 'FULL' ? 'full' : 'limited';
        } else if (value.startsWith('YSCSS=')) {
          yscss = value.slice('YSCSS='.length);
        } else {
          if (value.startsWith('LENGTH=') && /^\d+$/.test(value.slice(7))) header.length = Number(value.slice(7));
          header.extensions.push(token);
        }
        break;
      default:
        throw fail(start, `unknown ${field}; a header field starts with W, H, F, I, A, C or X`);
    }
  }
  if (width === undefined) throw fail(line.length, 'no W (width) field');
  if (height === undefined) throw fail(line.length, 'no H (height) field');
  // Like ffmpeg: XYSCSS (mjpegtools' older spelling) counts only when there is no C field.
  chroma ??= (yscss && y4mChroma(yscss)?.tag) || '420jpeg';
  return { width, height, chroma, ...header };
}

/** Formats a header line (with its '\n'); extensions that would pass ffmpeg's limit are dropped. */
export function formatY4mHeader(header: Y4mHeader): { text: string; dropped: string[] } {
  const chroma = y4mChroma(header.chroma);
  if (!chroma) throw new KindPipeError('config', `unknown y4m chroma '${header.chroma}'. Known: ${y4mChromaTags.join(', ')}`);
  const fields = [
    y4mMagic,
    `W${header.width}`,
    `H${header.height}`,
    `F${header.rate[0]}:${header.rate[1]}`,
    `I${header.interlace}`,
    `A${header.aspect[0]}:${header.aspect[1]}`,
    `C${chroma.tag}`,
  ];
  if (chroma.yscss) fields.push(`XYSCSS=${chroma.yscss}`);
  if (header.range) fields.push(`XCOLORRANGE=${header.range === 'full' ? 'FULL' : 'LIMITED'}`);
  const dropped: string[] = [];
  for (const extension of header.extensions) {
    if ([...fields, extension].join(' ').length + 1 <= y4mHeaderLimit) fields.push(extension);
    else dropped.push(extension);
  }
  return { text: `${fields.join(' ')}\n`, dropped };
}

/** Text from a stream, quoted for a message, with bytes that are not printable escaped. */
export function quote(text: string): string {
  return `"${text.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}"`;
}
