import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { projectRoot } from '../models/paths.js';

// The RTSP camera fixture (GstRtspServer through Debian's python3-gi, test/fixtures/rtsp-server.py)
// shared by test/rtsp.test.ts and test/queue.test.ts.

export const python = '/usr/bin/python3';
const serverScript = join(projectRoot, 'test', 'fixtures', 'rtsp-server.py');
export const hasRtspServer =
  spawnSync(python, ['-c', "import gi; gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0'); from gi.repository import Gst, GstRtspServer; Gst.init(None); assert Gst.ElementFactory.find('x264enc')"]).status === 0;

/** Every server a test started, so that a failing test leaves none behind. */
const children = new Set<ChildProcess>();
export function killCameras(): void {
  for (const child of children) child.kill('SIGKILL');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface CameraPicture {
  width: number;
  height: number;
  fps: number;
}

/** The RTSP camera fixture on one port; `stop` kills it (a camera losing power), `start` brings it back. */
export class Camera {
  private child: ChildProcess | undefined;
  constructor(readonly port: number, readonly picture: CameraPicture) {}

  get url(): string {
    return `rtsp://127.0.0.1:${this.port}/cam`;
  }

  get pid(): number {
    return this.child!.pid!;
  }

  start(): Promise<void> {
    const child = spawn(python, [serverScript, '--port', String(this.port), '--size', `${this.picture.width}x${this.picture.height}`, '--fps', String(this.picture.fps)], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    child.once('exit', () => children.delete(child));
    this.child = child;
    let log = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the RTSP server did not start within 10 s:\n${log}`)), 10_000);
      child.stderr!.on('data', (d) => (log += d));
      child.stdout!.on('data', (d) => {
        log += d;
        if (log.includes('ready rtsp://')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`the RTSP server exited (${code}):\n${log}`)));
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

export async function startCamera(picture: CameraPicture): Promise<Camera> {
  const cam = new Camera(await freePort(), picture);
  await cam.start();
  return cam;
}
