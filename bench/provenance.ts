import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../models/paths.js';
import { frameHashes } from '../pipeline/provenance/frame-chain.js';
import { commit, cpuName } from './machine.js';

/**
 * `npm run bench:provenance`: what the manifest costs. Runs each pipeline on the same clip without
 * a manifest and with a signed one, then `verify --deep` and `verify --rerun`, and reports the
 * manifest's own seconds (hashing input and output, decoding the output for the frame chain) as a
 * share of the run. Also checks that the KinD path gives the same bits with 1 and 2 inference
 * threads (the determinism docs/provenance.md states). Figures to bench/results/provenance.json.
 */
const main = join(projectRoot, 'dist', 'pipeline', 'cli', 'main.js');
const work = mkdtempSync(join(tmpdir(), 'kind-pipe-bench-provenance-'));
const real = join(projectRoot, '..', 'shared', 'data', 'video', 'night-road-640x360.mp4');
const frames = Number(process.env.FRAMES ?? 48);

const cli = (args: string[]) => {
  const started = performance.now();
  const result = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', cwd: work });
  if (result.status !== 0 && args[0] === 'run') throw new Error(`kind-pipe ${args.join(' ')} failed:\n${result.stderr}`);
  return { seconds: (performance.now() - started) / 1000, stdout: result.stdout, stderr: result.stderr, code: result.status };
};

function clip(): string {
  const file = join(work, 'night.mp4');
  const source = spawnSync('test', ['-f', real]).status === 0 ? ['-i', real] : ['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25,eq=brightness=-0.35,noise=alls=10:allf=t'];
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...source, '-frames:v', String(frames), '-an', '-c:v', 'libx264', '-crf', '18', file]);
  return file;
}

const input = clip();
execFileSync(process.execPath, [main, 'keys', 'generate', '--out', join(work, 'bench')], { stdio: 'ignore' });
const rows = [];
for (const name of ['cctv-night-fast', 'cctv-night']) {
  const pipeline = join(projectRoot, 'pipelines', `${name}.yaml`);
  const base = ['run', pipeline, '--set', `input=${input}`];
  const plain = cli([...base, '--set', `output=${join(work, `${name}-plain.mp4`)}`, '--no-manifest']);
  const output = join(work, `${name}.mp4`);
  const signed = cli([...base, '--set', `output=${output}`, '--sign-key', join(work, 'bench.key'), '--log', 'json']);
  const manifestS = JSON.parse(readFileSync(`${output}.provenance.json`, 'utf8')).run.provenanceS as number;
  const deep = cli(['verify', output, '--deep']);
  const rerun = cli(['verify', output, '--rerun', input]);
  rows.push({
    pipeline: name,
    frames,
    runS: round(plain.seconds),
    signedRunS: round(signed.seconds),
    manifestS: round(manifestS),
    manifestShare: round(manifestS / plain.seconds),
    verifyDeepS: round(deep.seconds),
    verifyDeepShare: round(deep.seconds / plain.seconds),
    rerunIdentical: rerun.code === 0 && /bit-identical/.test(rerun.stdout),
  });
  process.stdout.write(`${name}: run ${plain.seconds.toFixed(1)} s, manifest ${manifestS.toFixed(2)} s (${(100 * manifestS / plain.seconds).toFixed(1)} %), verify --deep ${deep.seconds.toFixed(1)} s, rerun ${rerun.code === 0 ? 'bit-identical' : 'DIFFERS'}\n`);
}

// Thread count and bits: the KinD chain with 1 thread per session against the default.
const one = join(work, 'one-thread.mp4');
cli(['run', join(projectRoot, 'pipelines', 'cctv-night.yaml'), '--set', `input=${input}`, '--set', `output=${one}`, '--no-manifest', ...['decom', 'restore', 'illum'].flatMap((n) => ['--set', `${n}.threads=1`]), '--set', 'encode.threads=2']);
const a = await frameHashes(one);
const b = await frameHashes(join(work, 'cctv-night.mp4'));
const threadIndependent = a.length === b.length && a.every((h, i) => h === b[i]);
process.stdout.write(`KinD with 1 inference thread vs the default (${execFileSync('nproc', { encoding: 'utf8' }).trim()} cores): ${threadIndependent ? 'bit-identical' : 'differs'}\n`);

mkdirSync(join(projectRoot, 'bench', 'results'), { recursive: true });
const out = { date: new Date().toISOString(), commit: commit(), machine: cpuName(), input: spawnSync('test', ['-f', real]).status === 0 ? `night-road-640x360.mp4, first ${frames} frames` : `lavfi 640x360, ${frames} frames`, rows, threadIndependent };
writeFileSync(join(projectRoot, 'bench', 'results', 'provenance.json'), JSON.stringify(out, null, 2) + '\n');
rmSync(work, { recursive: true, force: true });

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
