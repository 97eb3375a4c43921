import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cliPath } from './helpers.js';
import { freePort } from './rtsp-camera.js';
import { projectRoot } from '../models/paths.js';

const run = promisify(execFile);

export const hasRedis = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

/** Every process a test started, so that a failing test leaves none behind. */
const children = new Set<ChildProcess>();
export function killAll(): void {
  for (const child of children) child.kill('SIGKILL');
}

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** A real redis-server on 127.0.0.1, persisting to its own folder (appendonly), restartable. */
export class RedisServer {
  private child: ChildProcess | undefined;
  constructor(readonly port: number, readonly dir: string) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(dir: string): Promise<RedisServer> {
    mkdirSync(dir, { recursive: true });
    const server = new RedisServer(await freePort(), dir);
    await server.start();
    return server;
  }

  start(): Promise<void> {
    const child = track(spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--save', '', '--protected-mode', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] }));
    this.child = child;
    let log = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${log}`)), 10_000);
      child.stdout!.on('data', (d) => {
        log += d;
        if (log.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${log}`)));
    });
  }

  /** A clean shutdown (SIGTERM): the append-only file is flushed, as on a service restart. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

/** A `kind-pipe worker` process; `log` is everything it printed. */
export class WorkerProcess {
  log = '';
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(redisUrl: string, extra: string[] = []) {
    this.child = track(spawn(process.execPath, [cliPath, 'worker', '--redis', redisUrl, '--lock-seconds', '2', ...extra], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] }));
    this.child.stdout!.on('data', (d) => (this.log += d));
    this.child.stderr!.on('data', (d) => (this.log += d));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  async ready(): Promise<void> {
    await until(() => this.log.includes('] ready:'), 20_000, () => `worker ${this.pid} did not start:\n${this.log}`);
  }
}

export async function until(predicate: () => boolean | Promise<boolean>, ms: number, what: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A pipeline whose every stage is deterministic and one is temporal (hqdn3d keeps a running
 * average), encoded losslessly, so a distributed run must match a local one frame for frame up
 * to the warm-up's residue. `slow` adds ffmpeg's realtime filter: a segment then takes as long
 * as it plays, long enough to kill its worker mid-way.
 */
export function writeTestPipeline(dir: string, slow = false): string {
  const file = join(dir, slow ? 'slow.yaml' : 'pipe.yaml');
  writeFileSync(
    file,
    `version: 1
nodes:
  - id: decode
    plugin: source.file
    options: { path: in.mp4 }
  - id: denoise
    plugin: ffmpeg.filter
    inputs: { video: decode }
    options: { graph: "hqdn3d=4:3:6:4.5,eq=gamma=1.4${slow ? ',realtime' : ''}" }
  - id: encode
    plugin: sink.file
    inputs: { video: denoise }
    options: { path: out.mp4, crf: 0, pix_fmt: yuv444p, preset: ultrafast }
`,
  );
  return file;
}

/** A clip with a keyframe every second, and audio. */
export async function makeKeyframedClip(file: string, seconds: number, fps = 24): Promise<string> {
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=320x180:rate=${fps},eq=brightness=-0.3,noise=alls=10:allf=t`, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(seconds), '-c:v', 'libx264', '-g', String(fps), '-sc_threshold', '0', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', file]);
  return file;
}

/** Decoded rgb24 frames of a file. */
export async function decodeFrames(file: string, width = 320, height = 180): Promise<Buffer[]> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 30 });
  const size = width * height * 3;
  const frames: Buffer[] = [];
  for (let at = 0; at + size <= stdout.length; at += size) frames.push(stdout.subarray(at, at + size));
  return frames;
}

export function psnr(a: Buffer, b: Buffer): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    se += d * d;
  }
  return se === 0 ? Infinity : 10 * Math.log10((255 * 255) / (se / a.length));
}
