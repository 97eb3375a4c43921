/**
 * The one error class of kind-pipe. `kind` says what went wrong so the CLI can pick an exit code
 * and a caller can branch on it; `origin` says where (the plugin, node, stage and frame the
 * message names), so a wrapper can tell an error that already names a plugin from one it must
 * name, without reading the message. `KindPipeError.is()` recognises one that crossed a worker or
 * process boundary (where `instanceof` no longer holds); `toData`/`fromData` carry kind and origin
 * across it.
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

/** Where an error arose, as far as the code that named it knows. */
export interface ErrorOrigin {
  /** The external plugin (its package name) the message is named after. */
  plugin?: string;
  /** The pipeline node. */
  node?: string;
  /** The stage, source or sink id (`kind.decom`). */
  stage?: string;
  /** The frame index being processed. */
  frame?: number;
}

/** A KindPipeError as plain data: what a worker message or a JSON-RPC error carries. */
export interface KindPipeErrorData {
  kind?: ErrorKind;
  message: string;
  origin?: ErrorOrigin;
}

export class KindPipeError extends Error {
  readonly kind: ErrorKind;
  readonly origin?: ErrorOrigin;
  readonly isKindPipeError = true;

  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown; origin?: ErrorOrigin }) {
    super(message, options);
    this.kind = kind;
    if (options?.origin) this.origin = options.origin;
    this.name = 'KindPipeError';
  }

  static is(value: unknown, kind?: ErrorKind): value is KindPipeError {
    if (typeof value !== 'object' || value === null) return false;
    const candidate = value as Partial<KindPipeError>;
    return candidate.isKindPipeError === true && (kind === undefined || candidate.kind === kind);
  }

  /** True for an error whose message already names a plugin (see `ErrorOrigin.plugin`). */
  static namesPlugin(value: unknown): value is KindPipeError {
    return KindPipeError.is(value) && value.origin?.plugin !== undefined;
  }

  /** Any thrown value as data to send across a boundary; `kind` and `origin` only when it is a KindPipeError. */
  static toData(error: unknown): KindPipeErrorData {
    const message = error instanceof Error ? error.message : String(error);
    if (!KindPipeError.is(error)) return { message };
    return error.origin ? { kind: error.kind, message, origin: error.origin } : { kind: error.kind, message };
  }

  /** The error `toData` described, rebuilt on this side; `fallback` when the other side's was no KindPipeError. */
  static fromData(data: KindPipeErrorData, fallback: ErrorKind = 'plugin'): KindPipeError {
    return new KindPipeError(data.kind ?? fallback, data.message, data.origin && { origin: data.origin });
  }
}
