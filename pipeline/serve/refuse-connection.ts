import type { Socket } from 'node:net';
import { errorMessage, noPts } from './wire-format.js';

/** How long a refused client has to read the answer before the socket is dropped. */
const lingerMs = 2000;

/**
 * Answers a connection the server will not serve with a protocol error (sequence none) and hangs
 * up. What the client sends meanwhile is read and dropped: kindenhance writes its first frame
 * before it reads, and a write into a socket closed for reading would fail before the answer is
 * seen.
 *
 * ```ts
 * refuseConnection(socket, 'kind-pipe serve is full …. Fix: …');
 * ```
 */
export function refuseConnection(socket: Socket, why: string): void {
  socket.on('error', () => undefined);
  socket.resume();
  socket.end(errorMessage(noPts, why));
  socket.once('end', () => socket.destroy());
  setTimeout(() => socket.destroy(), lingerMs).unref();
}
