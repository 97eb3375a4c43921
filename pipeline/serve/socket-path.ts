import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { connect, type Server } from 'node:net';
import { KindPipeError } from '../../core/errors.js';

/**
 * Makes `path` free for a new socket: removes a socket file left by a server that died (nothing
 * answers on it), refuses one that a live server holds and anything that is not a socket.
 */
export async function claimSocketPath(path: string): Promise<void> {
  let stats;
  try {
    stats = lstatSync(path);
  } catch {
    return;
  }
  if (!stats.isSocket()) throw new KindPipeError('output', `--socket ${path} exists and is not a socket; kind-pipe serve will not replace it. Fix: choose another path`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new KindPipeError('output', `--socket ${path}: another server is listening there. Fix: stop it, or choose another path`);
  unlinkSync(path);
}

/** Listens on `path` with mode 0600 from the start: the umask is tightened around bind(). */
export async function listenPrivate(server: Server, path: string): Promise<void> {
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new KindPipeError('output', `cannot listen on --socket ${path}: ${code}. Fix: check that its folder exists and is writable`);
  } finally {
    process.umask(umask);
  }
  chmodSync(path, 0o600);
}
