/**
 * The one error class of kind-pipe. `kind` says what went wrong so the CLI can pick an exit code
 * and a caller can branch on it; `KindPipeError.is()` recognises one that crossed a worker or
 * process boundary (where `instanceof` no longer holds).
 */
export type ErrorKind =
  | 'usage' // the command line is wrong
  | 'config' // the pipeline file or an option is wrong
  | 'caps' // the graph does not connect
  | 'input' // an input file is missing or unreadable
  | 'output' // the output cannot be written
  | 'closed' // the reader of the output went away mid-stream (broken pipe)
  | 'plugin' // a plugin failed to load, activate or process
  | 'model' // a model is missing or fails
  | 'accounting' // frames were lost
  | 'cancelled'; // the user stopped the run

export class KindPipeError extends Error {
  readonly kind: ErrorKind;
  readonly isKindPipeError = true;

  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = 'KindPipeError';
  }

  static is(value: unknown, kind?: ErrorKind): value is KindPipeError {
    if (typeof value !== 'object' || value === null) return false;
    const candidate = value as Partial<KindPipeError>;
    return candidate.isKindPipeError === true && (kind === undefined || candidate.kind === kind);
  }
}
