import type { ErrorKind } from '../../core/errors.js';

/**
 * kind-pipe's exit codes (documented in README.md):
 *   0 success · 1 the run failed while processing · 2 the command line or pipeline file is wrong
 *   3 an input is missing or unreadable · 4 the output cannot be written
 *   5 the reader of the output pipe closed it mid-stream (broken pipe) · 130 stopped (Ctrl-C)
 */
export const exitCodes = { ok: 0, failed: 1, invalid: 2, input: 3, output: 4, outputClosed: 5, interrupted: 130 } as const;

export function exitCodeFor(kind: ErrorKind | undefined): number {
  switch (kind) {
    case 'usage':
    case 'config':
    case 'caps':
      return exitCodes.invalid;
    case 'input':
      return exitCodes.input;
    case 'output':
      return exitCodes.output;
    case 'closed':
      return exitCodes.outputClosed;
    case 'cancelled':
      return exitCodes.interrupted;
    default:
      return exitCodes.failed;
  }
}
