import type { ErrorKind } from '../../core/errors.js';

/** A job's failure reason reads `[exit N] message`, N being what `kind-pipe run` exited with. */
export function splitReason(reason: string): { code: number; message: string } {
  const match = /^\[exit (\d+)\] ([\s\S]*)$/.exec(reason);
  if (match) return { code: Number(match[1]), message: match[2] };
  return { code: 1, message: reason };
}

/** The error kind whose exit code is `code` (the inverse of the CLI's exitCodeFor). */
export function kindForExitCode(code: number): ErrorKind {
  switch (code) {
    case 2:
      return 'config';
    case 3:
      return 'input';
    case 4:
      return 'output';
    case 5:
      return 'closed';
    case 130:
      return 'cancelled';
    default:
      return 'plugin';
  }
}
