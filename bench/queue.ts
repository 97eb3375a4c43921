/**
 * npm run bench:queue — the queue path (kind-pipe submit + N kind-pipe worker processes on one
 * real redis-server) against a local `kind-pipe run` of the same file, whole process, wall time.
 *
 * Two pipelines: cctv-night-fast.yaml (kind-fast, no temporal state: the pure cost of cutting,
 * queueing, one process start per segment and the join) on a 640×360 clip, and cctv-night.yaml
 * (KinD, 132 warm-up frames a segment for normalize's and the exposure's moving averages) on a
 * 320×180 clip. 1, 2 and 4 workers of concurrency 1. Prints a table, writes
 * bench/results/queue.json and queue.md.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../models/paths.js';
import { RedisServer, WorkerProcess } from '../test/queue-fixtures.js';
import { cli } from './cli-run.js';
import { commit, cpuName } from './machine.js';

interface Case {
  name: string;
  pipeline: string;
  size: string;
  seconds: number;
  segment: number;
}

const cases: Case[] = [
  { name: 'kind-fast', pipeline: 'pipelines/cctv-night-fast.yaml', size: '640x360', seconds: 40, segment: 10 },
  { name: 'kind', pipeline: 'pipelines/cctv-night.yaml', size: '320x180', seconds: 24, segment: 12 },
];
const workerCounts = [1, 2, 4];
const work = mkdtempSync(join(tmpdir(), 'kind-pipe-bench-queue-'));

/** Wall seconds of one CLI command, run as a user would. */
function timed(args: string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: projectRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    let tail = '';
    child.stderr.on('data', (d) => (tail = (tail + d).slice(-3000)));
    child.once('close', (code) => (code === 0 ? resolve((performance.now() - started) / 1000) : reject(new Error(`kind-pipe ${args.join(' ')} exited ${code}:\n${tail}`))));
  });
}

const redis = await RedisServer.start(join(work, 'redis'));
const rows: Record<string, unknown>[] = [];
try {
  for (const c of cases) {
    const clip = join(work, `${c.name}.mp4`);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${c.size}:rate=24,eq=brightness=-0.35:contrast=0.5,noise=alls=10:allf=t`, '-t', String(c.seconds), '-c:v', 'libx264', '-g', '48', '-pix_fmt', 'yuv420p', clip]);
    const frames = c.seconds * 24;
    console.log(`${c.name}: ${c.pipeline} on ${frames} frames of ${c.size}, segments of ${c.segment} s`);
    const localS = await timed(['run', c.pipeline, '--set', `input=${clip}`, '--set', `output=${join(work, `${c.name}-local.mp4`)}`]);
    console.log(`   local run          ${localS.toFixed(1).padStart(6)} s  ${(frames / localS).toFixed(2).padStart(6)} fps`);
    rows.push({ case: c.name, mode: 'local', workers: 0, seconds: localS, fps: frames / localS, vsLocal: 1 });
    for (const n of workerCounts) {
      const workers = Array.from({ length: n }, () => new WorkerProcess(redis.url, ['--lock-seconds', '30']));
      await Promise.all(workers.map((w) => w.ready()));
      const output = join(work, `${c.name}-${n}.mp4`);
      const seconds = await timed(['submit', c.pipeline, '--redis', redis.url, '--set', `input=${clip}`, '--set', `output=${output}`, '--segment', String(c.segment), '--wait']);
      for (const w of workers) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));
      const fps = frames / seconds;
      console.log(`   ${n} worker${n === 1 ? ' ' : 's'}          ${seconds.toFixed(1).padStart(6)} s  ${fps.toFixed(2).padStart(6)} fps  ${(localS / seconds).toFixed(2)}× the local run`);
      rows.push({ case: c.name, mode: 'queue', workers: n, seconds, fps, vsLocal: localS / seconds });
    }
  }
} finally {
  await redis.stop();
  rmSync(work, { recursive: true, force: true });
}

const results = { date: new Date().toISOString(), cpu: cpuName(), commit: commit(), cases, rows };
const outDir = join(projectRoot, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'queue.json'), JSON.stringify(results, null, 2) + '\n');
const table = ['| pipeline | run | wall s | fps | × local |', '| --- | --- | --- | --- | --- |', ...rows.map((r) => `| ${r.case} | ${r.mode === 'local' ? 'kind-pipe run' : `submit, ${r.workers} worker${r.workers === 1 ? '' : 's'}`} | ${(r.seconds as number).toFixed(1)} | ${(r.fps as number).toFixed(2)} | ${(r.vsLocal as number).toFixed(2)} |`)];
writeFileSync(join(outDir, 'queue.md'), `# bench:queue — ${results.date}, ${results.cpu}, commit ${results.commit}\n\n${table.join('\n')}\n`);
console.log(`wrote ${join(outDir, 'queue.json')} and queue.md`);
