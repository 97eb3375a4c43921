import type { ClassicalParams, GridResult } from './classical.js';
import type { ModelInfo } from './kind-run.js';

export interface MethodResult {
  psnr: number;
  ssim: number;
  loe: number;
  /** PSNR / SSIM with each output's mean scaled to its ground truth's (exposure taken out). */
  gtMean?: { psnr: number; ssim: number };
  /** Wall seconds to produce the outputs (CLI start-up and model loading included for kind). */
  seconds?: number;
  summary?: string;
  error?: string;
}

export interface SeverityResult {
  pairs: { dir: string; count: number; reused: boolean };
  methods: Record<string, MethodResult>;
  classical: { params: ClassicalParams; chain: string; gridPoints: number; atGridEdge: string[]; top: GridResult[]; searchSeconds: number };
}

export interface QualityResults {
  date: string;
  commit: string;
  machine: string;
  data: string;
  seed: number;
  limit: number;
  /** The weights at the start of the run (sha256 prefixes as in the manifest). */
  models: Record<string, ModelInfo>;
  /** True when the weights' hashes at the end differ from those at the start. */
  weightsChanged: boolean;
  severities: Record<string, SeverityResult>;
  lowlight?: { images: string[]; classicalFrom: string; stats: Record<string, { meanLuma: number; noiseSigma: number; colourfulness: number }>; error?: string };
  sheets: string[];
  seconds: Record<string, number>;
}

export const methodTitles: Record<string, string> = {
  input: 'dark input (no enhancement)',
  classical: 'classical: levels + gamma + hqdn3d (tuned on the set)',
  kind: 'kind',
  'kind-lite': 'kind-lite',
  'kind-fast': 'kind-fast (real-time backbone)',
};

const f = (v: number | undefined, digits: number) => (v === undefined || Number.isNaN(v) ? '—' : Number.isFinite(v) ? v.toFixed(digits) : 'inf');

/** results.md: the method × severity table first, then how each number was made. */
export function resultsMarkdown(r: QualityResults): string {
  const severities = Object.keys(r.severities);
  const methods = Object.keys(methodTitles).filter((m) => severities.some((s) => r.severities[s].methods[m]));
  const lines: string[] = [];
  lines.push('# Quality benchmark: synthetic low-light pairs', '');
  lines.push(`${r.date} · commit ${r.commit} · ${r.machine} · seed ${r.seed} · ${r.limit > 0 ? `${r.limit} images per severity (--limit)` : 'all images'} of \`pristine/val\``, '');
  for (const [id, m] of Object.entries(r.models)) {
    const untrained = Object.entries(m.networks).filter(([, n]) => !n.trained).map(([role]) => role);
    if (untrained.length) lines.push(`> **${id}: ${untrained.join(', ')} UNTRAINED** (random initialisation): its row does not measure KinD.`, '');
  }
  if (r.weightsChanged) lines.push('> **The weights changed while the bench ran** (a training job exported new ones): the model rows may mix weights. Run again when training is done.', '');
  lines.push(`| method | ${severities.map((s) => `${s} PSNR dB | ${s} SSIM | ${s} LOE`).join(' | ')} |`);
  lines.push(`| --- | ${severities.map(() => '---: | ---: | ---:').join(' | ')} |`);
  for (const m of methods) {
    const cells = severities.map((s) => {
      const x = r.severities[s].methods[m];
      return x?.error ? 'failed | — | —' : `${f(x?.psnr, 2)} | ${f(x?.ssim, 4)} | ${f(x?.loe, 0)}`;
    });
    lines.push(`| ${methodTitles[m]} | ${cells.join(' | ')} |`);
  }
  lines.push('', 'With each output\'s brightness matched to its ground truth (GT-mean: the output scaled so its mean over R, G, B is the ground truth\'s, then 8-bit), which takes exposure out and leaves structure and colour:', '');
  lines.push(`| method | ${severities.map((s) => `${s} GT-mean PSNR dB | ${s} GT-mean SSIM`).join(' | ')} |`);
  lines.push(`| --- | ${severities.map(() => '---: | ---:').join(' | ')} |`);
  for (const m of methods) {
    const cells = severities.map((s) => {
      const x = r.severities[s].methods[m];
      return x?.gtMean ? `${f(x.gtMean.psnr, 2)} | ${f(x.gtMean.ssim, 4)}` : '— | —';
    });
    lines.push(`| ${methodTitles[m]} | ${cells.join(' | ')} |`);
  }
  lines.push('', 'PSNR over RGB (8-bit); SSIM: Wang et al. 2004 Gaussian 11×11, σ 1.5, on R, G, B averaged (skimage `channel_axis`); LOE: NPE lightness order error against the ground truth on a 50-px grid (lower is better). Means over images.', '');

  lines.push('## Classical chain chosen', '');
  for (const s of severities) {
    const c = r.severities[s].classical;
    lines.push(`- **${s}**: gain ${c.params.gain}, gamma ${c.params.gamma}, hqdn3d ${c.params.lumaDenoise}:${c.params.chromaDenoise} — best mean PSNR of ${c.gridPoints} grid points (${c.searchSeconds} s)${c.atGridEdge.length ? `; at the grid's edge in ${c.atGridEdge.join(', ')}` : ''}:`);
    lines.push(`  \`ffmpeg -i in.png -vf "${c.chain}" out.png\``);
  }
  lines.push('', 'Tuned by grid search on the very images it is scored on: the best shot a user tuning by eye could get, and the bar a shipped model must clear.', '');

  lines.push('## Time', '');
  lines.push(`| method | ${severities.map((s) => `${s}: wall s | s/image`).join(' | ')} |`, `| --- | ${severities.map(() => '---: | ---:').join(' | ')} |`);
  for (const m of methods.filter((m) => m !== 'input')) {
    const cells = severities.map((s) => {
      const x = r.severities[s].methods[m];
      return x?.seconds === undefined ? '— | —' : `${x.seconds} | ${(x.seconds / r.severities[s].pairs.count).toFixed(2)}`;
    });
    lines.push(`| ${m} | ${cells.join(' | ')} |`);
  }
  lines.push('', 'classical: ffmpeg with the chosen chain, 2 processes. kind: the whole `kind-pipe run pipelines/stills.yaml` (start-up and model loading included), one at a time. CLI summaries:', '');
  for (const s of severities) {
    for (const m of methods.filter((m) => m.startsWith('kind'))) {
      const x = r.severities[s].methods[m];
      lines.push(`- ${s} ${m}: ${x?.error ? `FAILED: ${x.error.split('\n').slice(0, 3).join(' ').slice(0, 300)}` : x?.summary}`);
    }
  }
  lines.push('', `Bench stages (s): ${Object.entries(r.seconds).map(([k, v]) => `${k} ${v}`).join(' · ')}`, '');

  if (r.lowlight) {
    lines.push('## Real low-light photos (no ground truth)', '');
    if (r.lowlight.error) lines.push(`Failed: ${r.lowlight.error}`, '');
    else {
      lines.push(`${r.lowlight.images.join(', ')} (scaled to ≤ 512 px); classical chain as chosen for ${r.lowlight.classicalFrom}.`, '');
      lines.push('| method | mean luma | noise σ | colourfulness |', '| --- | ---: | ---: | ---: |');
      for (const [m, s] of Object.entries(r.lowlight.stats)) lines.push(`| ${m} | ${f(s.meanLuma, 1)} | ${f(s.noiseSigma, 2)} | ${f(s.colourfulness, 1)} |`);
      lines.push('');
    }
  }
  if (r.sheets.length) {
    lines.push('## Contact sheets', '');
    for (const sheet of r.sheets) lines.push(`![${sheet}](${sheet})`, '');
  }
  lines.push('## Models', '');
  for (const [id, m] of Object.entries(r.models)) {
    const nets = Object.entries(m.networks).map(([role, n]) => `${role} ${n.sha256} (${n.trained ? `trained, ${n.steps} steps` : 'untrained'})`);
    lines.push(`- ${id}: ${nets.join(', ')}`);
  }
  lines.push('', 'Reproduce: `npm run bench:quality' + (r.limit > 0 ? ` -- --limit ${r.limit}` : '') + '`', '');
  return lines.join('\n');
}
