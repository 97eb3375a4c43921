import { probeImage } from '../../core/media/still.js';
import { ffmpegPath } from '../../core/media/tool.js';
import { mapLimit } from '../../pipeline/eval/map-limit.js';
import { runTool } from './exec.js';

export interface SheetRow {
  /** Image files left to right; all the size of the first. */
  tiles: string[];
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/**
 * A contact sheet PNG: one row per image, one column per method, every tile scaled to
 * `tileHeight` and centred in a column as wide as the widest row needs, under a header of column
 * titles (drawn with drawtext when ffmpeg has it; left out otherwise). Built by one ffmpeg run.
 */
export async function contactSheet(rows: readonly SheetRow[], titles: readonly string[], out: string, tileHeight = 160): Promise<void> {
  const sizes = await mapLimit(rows, 2, (r) => probeImage(r.tiles[0]));
  const widths = sizes.map((s) => even((tileHeight * s.width) / s.height));
  const column = Math.max(...widths);
  const cols = titles.length;
  const inputs = rows.flatMap((r) => r.tiles.flatMap((file) => ['-i', file]));
  const tiles: string[] = [];
  const rowLabels: string[] = [];
  rows.forEach((row, r) => {
    const labels = row.tiles.map((_, c) => {
      const i = r * cols + c;
      tiles.push(`[${i}:v]scale=${widths[r]}:${tileHeight},format=rgb24,pad=${column}:${tileHeight}:(ow-iw)/2:0[t${i}]`);
      return `[t${i}]`;
    });
    tiles.push(`${labels.join('')}hstack=inputs=${cols}[r${r}]`);
    rowLabels.push(`[r${r}]`);
  });
  const escape = (text: string) => text.replace(/[\\:',;[\]=]/g, (ch) => `\\${ch}`);
  const header = `color=c=0x202020:s=${column * cols}x24:d=1,format=rgb24,${titles
    .map((t, c) => `drawtext=text='${escape(t)}':fontcolor=white:fontsize=14:x=${c * column + 6}:y=5`)
    .join(',')}[hdr]`;
  const stack = (withHeader: boolean) => {
    const parts = withHeader ? ['[hdr]', ...rowLabels] : rowLabels;
    return parts.length > 1 ? `${parts.join('')}vstack=inputs=${parts.length}[out]` : `${parts[0]}null[out]`;
  };
  const render = (withHeader: boolean) =>
    runTool(ffmpegPath, ['-v', 'error', '-nostdin', '-y', ...inputs, '-filter_complex', [...tiles, ...(withHeader ? [header] : []), stack(withHeader)].join(';'), '-map', '[out]', '-frames:v', '1', '-compression_level', '9', '-pred', 'mixed', out]);
  try {
    await render(true);
  } catch {
    await render(false); // an ffmpeg without libfreetype/fontconfig has no drawtext
  }
}
