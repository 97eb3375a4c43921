import type { EvalReport } from './evaluate.js';

interface Column {
  key: string;
  title: string;
  digits: number;
}

const columns: Record<EvalReport['mode'], Column[]> = {
  reference: [
    { key: 'psnr', title: 'PSNR dB', digits: 2 },
    { key: 'ssim', title: 'SSIM', digits: 4 },
    { key: 'loe', title: 'LOE', digits: 1 },
  ],
  'no-reference': [
    { key: 'meanLuma', title: 'luma', digits: 1 },
    { key: 'noiseSigma', title: 'noise σ', digits: 2 },
    { key: 'colourfulness', title: 'colourful', digits: 1 },
  ],
};

function cell(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : value > 0 ? 'inf' : String(value);
}

/**
 * The report as an aligned text table, one row per image and a `mean` row:
 *
 * ```text
 * image        size      PSNR dB    SSIM    LOE
 * kodim01      496×496     21.43  0.7120  143.2
 * mean                     21.43  0.7120  143.2
 * ```
 */
export function formatText(report: EvalReport): string {
  const cols = columns[report.mode];
  const rows: string[][] = [['image', 'size', ...cols.map((c) => c.title)]];
  for (const image of report.images) {
    const scores = image.scores as unknown as Record<string, number>;
    rows.push([image.name, `${image.width}×${image.height}`, ...cols.map((c) => cell(scores[c.key], c.digits))]);
  }
  const mean = report.mean as unknown as Record<string, number>;
  rows.push([`mean (${report.images.length})`, '', ...cols.map((c) => cell(mean[c.key], c.digits))]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ').trimEnd();
  const header = report.mode === 'reference' ? `${report.pred} against ${report.gt}` : `${report.pred} (no reference)`;
  return [header, ...rows.map(line)].join('\n');
}

/**
 * The report as JSON. JSON has no Infinity, so an infinite PSNR (identical images) is written as
 * `null`.
 */
export function formatJson(report: EvalReport): string {
  return JSON.stringify(report, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2);
}
