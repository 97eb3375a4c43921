/**
 * npm run bench:serve — `kind-pipe serve` under load (issue #17): a real served process on
 * examples/gstreamer/serve.yaml (KinD, kind-lite) and 1, 8 and 20 clients that connect at once
 * and speak the wire format (pipeline/serve/serve-client.ts, no GStreamer), each sending
 * `--frames` 320×180 RGB frames with one in flight, as kindenhance does. Measures the server's
 * peak RSS (VmHWM) and each client's time from connecting to its first enhanced frame.
 *
 *   npm run bench:serve                          # writes bench/results/serve-load.json under "after"
 *   node dist/bench/serve-load.js --label before --clients 1,8,20 --frames 3
 *
 * A server that has `--max-connections` is started with it set to the client count, so that every
 * client is served and the figures compare with a server from before the cap.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../models/paths.js';
import { ServeClient } from '../pipeline/serve/serve-client.js';
import { noPts } from '../pipeline/serve/wire-format.js';
import { cli } from './cli-run.js';
import { commit, cpuName } from './machine.js';

const flag = (name: string, fallback: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : fallback;
};
const label = flag('--label', 'after');
const clientCounts = flag('--clients', '1,8,20').split(',').map(Number);
const frames = Number(flag('--frames', '3'));
const [width, height] = [320, 180];
const pipeline = join(projectRoot, 'examples', 'gstreamer', 'serve.yaml');
const work = mkdtempSync(join(tmpdir(), 'kind-pipe-bench-serve-'));

/** A dark frame that differs per client and per frame, so no two requests are the same. */
function darkFrame(client: number, index: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rgb.set([(x + client * 7) % 40, (y + index * 3) % 40, ((x + y) >> 3) % 30], (y * width + x) * 3);
  return rgb;
}

interface Server {
  pid: number;
  log: () => string;
  peakRssMb(): number;
  stop(): Promise<void>;
}

function startServer(socket: string, clients: number): Promise<Server> {
  const help = execFileSync(process.execPath, [cli, 'serve', '--help'], { encoding: 'utf8' });
  const cap = help.includes('--max-connections') ? ['--max-connections', String(clients)] : [];
  const child = spawn(process.execPath, [cli, 'serve', '--socket', socket, pipeline, ...cap], { cwd: projectRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      log += d;
      if (log.includes('listening on')) {
        resolve({
          pid: child.pid!,
          log: () => log,
          peakRssMb: () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024,
          stop: () => (child.kill('SIGTERM'), exited),
        });
      }
    });
    void exited.then(() => reject(new Error(`kind-pipe serve exited before listening:\n${log}`)));
  });
}

interface ClientRun {
  firstFrameMs: number;
  allFramesMs: number;
  refused?: string;
}

async function client(socket: string, id: number): Promise<ClientRun> {
  const started = performance.now();
  const connection = await ServeClient.connect(socket);
  let firstFrameMs = 0;
  for (let i = 0; i < frames; i++) {
    const reply = await connection.request({ format: 1, width, height, fpsN: 25, fpsD: 1, sequence: BigInt(i), pts: noPts }, darkFrame(id, i));
    if (!reply || reply.text) {
      await connection.close();
      return { firstFrameMs: NaN, allFramesMs: NaN, refused: reply?.text ?? 'closed without an answer' };
    }
    if (i === 0) firstFrameMs = performance.now() - started;
  }
  await connection.close();
  return { firstFrameMs, allFramesMs: performance.now() - started };
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const rows: Record<string, unknown>[] = [];
try {
  for (const n of clientCounts) {
    const socket = join(work, `kind-${n}.sock`);
    const server = await startServer(socket, n);
    const runs = await Promise.all(Array.from({ length: n }, (_, i) => client(socket, i)));
    const peakRssMb = server.peakRssMb();
    await server.stop();
    const served = runs.filter((r) => !r.refused);
    const first = served.map((r) => r.firstFrameMs).sort((a, b) => a - b);
    const row = {
      clients: n,
      served: served.length,
      refused: runs.length - served.length,
      peakRssMb: Math.round(peakRssMb),
      firstFrameMs: { min: Math.round(first[0]), median: Math.round(quantile(first, 0.5)), max: Math.round(first[first.length - 1]) },
      allFramesMaxMs: Math.round(Math.max(...served.map((r) => r.allFramesMs))),
      // SharedModels logs each load; a server from before it loaded per connection and said nothing.
      modelLoads: (server.log().match(/serve: loaded /g) ?? []).length || null,
    };
    rows.push(row);
    console.log(`${String(n).padStart(3)} clients: peak RSS ${row.peakRssMb} MB, first frame ${row.firstFrameMs.min}/${row.firstFrameMs.median}/${row.firstFrameMs.max} ms (min/median/max), all ${frames} frames by ${row.allFramesMaxMs} ms${row.refused ? `, ${row.refused} refused` : ''}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const outDir = join(projectRoot, 'bench', 'results');
const outFile = join(outDir, 'serve-load.json');
mkdirSync(outDir, { recursive: true });
const saved = existsSync(outFile) ? (JSON.parse(readFileSync(outFile, 'utf8')) as Record<string, unknown>) : {};
saved[label] = { date: new Date().toISOString(), cpu: cpuName(), commit: commit(), pipeline: 'examples/gstreamer/serve.yaml', frame: `${width}x${height} RGB`, framesPerClient: frames, rows };
writeFileSync(outFile, JSON.stringify(saved, null, 2) + '\n');
console.log(`wrote ${outFile} (${label})`);
