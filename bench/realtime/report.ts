import type { RealFlicker } from '../video/real.js';
import type { PartCosts } from './parts.js';
import type { Pumping } from './pumping.js';
import { methods, methodTitles, type Method, type MethodRuns } from './speed.js';

export interface ClipResult {
  clip: string;
  size: string;
  made: boolean;
  frames: number;
  speed: Record<Method, MethodRuns>;
  /** kind-fast fps over the eq chain's, and over the floor's. */
  vsEqChain: number;
  vsFloor: number;
  doneLines: string[];
  parts: PartCosts;
  flicker?: RealFlicker;
  pumping?: Pumping;
}

/** One line of issue #18's "done when", with the figure that decides it. */
export interface Check {
  what: string;
  figure: string;
  pass: boolean;
}

export interface RealtimeResult {
  date: string;
  commit: string;
  machine: string;
  loadAverage: number;
  gnuTime: boolean;
  rounds: number;
  clips: ClipResult[];
  checks: Check[];
}

const f = (x: number | null | undefined, d: number) => (x === undefined || x === null || Number.isNaN(x) ? '–' : x.toFixed(d)); // JSON keeps NaN as null
const verdict = (pass: boolean) => (pass ? '**pass**' : '**FAIL**');

/** The figures as bench/results/realtime.md shows them (and the run prints). */
export function markdown(r: RealtimeResult): string {
  const cores = r.clips[0]?.parts.cores ?? 0;
  const lines = [
    `# bench:realtime — ${r.date.slice(0, 16).replace('T', ' ')} UTC, ${r.machine}, commit ${r.commit}`,
    '',
    `Issue #18: is \`cctv-night-fast.yaml\` real time? Each figure is a whole process, spawn to exit (model loading included), the median of ${r.rounds} round(s) in which the three commands take turns on the same clip. Load average ${r.loadAverage.toFixed(2)} at the start. Reproduce: \`npm run bench:realtime\`.`,
    '',
    '| clip | frames | ' + methods.map((m) => `${methodTitles[m]} fps`).join(' | ') + ' | kind-fast / eq chain | kind-fast / floor |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...r.clips.map((c) => `| ${c.clip} | ${c.frames} | ${methods.map((m) => f(c.speed[m].fps, 1)).join(' | ')} | ${f(c.vsEqChain, 2)} | ${f(c.vsFloor, 2)} |`),
    '',
    `CPU per frame (user+sys ms, GNU time${r.gnuTime ? '' : ': absent, so –'}), and the rates it allows on ${cores} cores:`,
    '',
    '| clip | decode alone | encode alone | enhance (done line) | kind-fast process | of which node | eq chain process | ceiling fps (decode+enhance+encode) | ceiling fps (process CPU) | enhance alone, one thread, fps |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...r.clips.map((c) => {
      const p = c.parts;
      return `| ${c.clip} | ${f(p.decodeMs, 1)} | ${f(p.encodeMs, 1)} | ${f(p.enhanceMs, 1)} | ${f(p.pipelineMs, 1)} | ${f(p.nodeMs, 1)} | ${f(c.speed['eq-chain'].cpuMsPerFrame, 1)} | ${f(p.ceilingFps, 1)} | ${f(p.pipelineCeilingFps, 1)} | ${f(p.enhanceLimitFps, 1)} |`;
    }),
    '',
    '"of which node": the kind-fast process\'s CPU less decode and encode alone (enhance, the rgb24 pipes, JavaScript).',
    '',
  ];
  const real = r.clips.filter((c) => c.flicker && c.pumping);
  if (real.length > 0) {
    lines.push(
      'Flicker on the real clips, kind-fast\'s output (as the pipeline writes it: x264 ultrafast crf 23) against the input scaled by the output\'s brightness gain. Still-pixel flicker: bench/video/real.ts (mean |Δ| where the input\'s 8×8 block stays still). Pumping: mean |Δ| of the whole frame\'s mean Rec.601 luma from frame to frame.',
      '',
      '| clip | flicker | input flicker | still share | output ≤ input | pumping | input pumping | output ≤ input |',
      '| --- | ---: | ---: | ---: | --- | ---: | ---: | --- |',
      ...real.map((c) => `| ${c.clip} | ${f(c.flicker!.flicker, 2)} | ${f(c.flicker!.inputFlicker, 2)} | ${f(100 * c.flicker!.stillShare, 0)} % | ${verdict(c.flicker!.flicker <= c.flicker!.inputFlicker)} | ${f(c.pumping!.output, 3)} | ${f(c.pumping!.input, 3)} | ${verdict(c.pumping!.output <= c.pumping!.input)} |`),
      '',
    );
  }
  lines.push('Issue #18, done when:', '', ...r.checks.map((c) => `- ${verdict(c.pass)} ${c.what}: ${c.figure}`), '');
  lines.push('kind-fast\'s own `done:` lines (per node ms/frame), one per round:', '');
  for (const c of r.clips) lines.push(`- ${c.clip}:`, ...c.doneLines.map((d) => `  - \`${d}\``));
  lines.push('');
  return lines.join('\n');
}
