import type { Caps, CapsPattern } from '../caps.js';
import type { FlowPolicy } from '../graph/flow-gate.js';
import type { FrameSet } from '../frame.js';
import type { OptionProblem, Options, OptionsOf, OptionsSchema } from '../options.js';
import type { Logger } from '../logger.js';

/** A named input of a stage or sink, and the caps it accepts. */
export interface InputPort {
  name: string;
  accepts: CapsPattern;
  description: string;
}

/** A named output of a source or stage, and the kind of caps it produces. */
export interface OutputPort {
  name: string;
  produces: CapsPattern;
  description: string;
}

/** The container's services, by token (model registry, runtime, …). */
export interface Services {
  get<T>(token: symbol): T;
}

/**
 * What every plugin instance gets: its node, options (resolved: numbers are numbers), a logger and
 * the container's services.
 */
export interface StageContext<O = Options> extends Services {
  nodeId: string;
  options: O;
  log: Logger;
  signal: AbortSignal;
}

/**
 * `S` is the plugin's option schema; the `define*` helpers below infer it, so the plugin's code
 * gets `OptionsOf<S>`. A plugin typed without it (external ones, tables of plugins) sees `Options`.
 */
interface PluginBase<S extends OptionsSchema> {
  /** Dotted id used in pipeline files, e.g. `kind.decom`. */
  id: string;
  description: string;
  options: S;
  /** A YAML node that runs, shown by `kind-pipe describe`. */
  example: string;
  /**
   * Checks that need no input opened: a file that must exist, a folder that must exist.
   * Each problem names the option it is about.
   */
  check?(options: OptionsOf<S>, services: Services): OptionProblem[];
}

export interface Source {
  /** Opens the input and tells what it will produce. Called once, after the graph validated. */
  open(): Promise<Record<string, Caps>>;
  frames(): AsyncIterable<FrameSet>;
  dispose(): void | Promise<void>;
  /** Set by a live source (a camera); read after open(). */
  live?: LiveInput;
}

/**
 * A live input does not wait for the stages. The scheduler reads it eagerly and applies `flow`
 * (core/graph/flow-gate.ts) between it and the stages; `reconnects` goes into progress and result.
 */
export interface LiveInput {
  flow: FlowPolicy;
  /** Times the input was lost and frames resumed. */
  reconnects(): number;
}

export interface Stage {
  /** Called once with the negotiated input caps: load models, allocate buffers here. */
  start?(caps: Record<string, Caps>): Promise<void>;
  /**
   * Turns one frame set into one frame set. Only processes. Input data is valid until the promise
   * settles (it may lie on shared memory that is reused afterwards): a stage that keeps data across
   * calls copies it.
   */
  process(inputs: FrameSet): Promise<FrameSet>;
  /**
   * Milliseconds the last `process()` computed, when the stage measures that itself: a stage on a
   * worker thread, whose round trip also holds handing frames over and waiting. The run's per-node
   * timing (`RunResult.msPerFrame`) takes it instead of the wall time of the call.
   */
  readonly computeMs?: number;
  dispose?(): void | Promise<void>;
}

export interface Sink {
  start(caps: Record<string, Caps>): Promise<void>;
  /** Input data is valid until the promise settles (shared memory, reused afterwards): copy what is kept. */
  write(inputs: FrameSet): Promise<void>;
  /** End of stream: complete the output and return where it is. */
  finish(): Promise<string>;
  /** The run failed or was stopped: leave nothing half-written. */
  abort(): Promise<void>;
  /**
   * After `finish`: how the output was written, for its provenance manifest (kind-pipe verify):
   * the exact encoder command, and the option values that an 'auto' resolved to on this machine,
   * which a re-run must pin to write the same bits.
   */
  provenance?(): OutputRecord;
  /**
   * After every sink has finished, so every output is complete: stay up a while (a preview's last
   * look at the ended stream) until done or until `signal` aborts, then release what `finish` kept
   * open. Always called after a successful `finish` (with `signal` already aborted if the run was
   * stopped meanwhile). An interrupt here ends the run normally; nothing is removed.
   */
  linger?(signal: AbortSignal): Promise<void>;
}

/** What a sink says about an output it completed (see `Sink.provenance`). */
export interface OutputRecord {
  /** The encoder's command line, program first. */
  command?: readonly string[];
  /** Options whose 'auto' resolved to a machine-dependent value, as a re-run must set them. */
  pins?: Record<string, string | number>;
}

export interface SourcePlugin<S extends OptionsSchema = OptionsSchema> extends PluginBase<S> {
  role: 'source';
  /** A live input (a camera) that never ends by itself: an interrupt finishes the output instead of discarding it. */
  live?: boolean;
  outputs: readonly OutputPort[];
  create(ctx: StageContext<OptionsOf<S>>): Source;
}

export interface StagePlugin<S extends OptionsSchema = OptionsSchema> extends PluginBase<S> {
  role: 'stage';
  /**
   * Run on a worker thread unless the node says `worker: false`: for stages that hold the event
   * loop (synchronous inference, per-pixel loops), so decode and encode keep flowing meanwhile.
   */
  preferWorker?: boolean;
  /**
   * The inputs whose data `process()` reads with these options, when not all of them (kind.fuse's
   * `mode: product` needs neither x, R nor I). On a worker the others arrive with their index,
   * pts and size but empty data, so they are not handed across at all.
   */
  reads?(options: OptionsOf<S>): readonly string[];
  inputs: readonly InputPort[];
  outputs: readonly OutputPort[];
  /** Output caps from input caps and options, before any frame flows; throws KindPipeError('caps'). */
  negotiate(inputs: Record<string, Caps>, options: OptionsOf<S>): Record<string, Caps>;
  /**
   * How many earlier frames this stage's output still depends on (a moving average, hysteresis);
   * none when absent. `kind-pipe submit` decodes that many frames before each segment, unwritten,
   * so a segment's first frames come out as they would in one run over the whole file.
   */
  warmupFrames?(options: OptionsOf<S>): number;
  create(ctx: StageContext<OptionsOf<S>>): Stage;
}

export interface SinkPlugin<S extends OptionsSchema = OptionsSchema> extends PluginBase<S> {
  role: 'sink';
  inputs: readonly InputPort[];
  create(ctx: StageContext<OptionsOf<S>>): Sink;
}

export type Plugin = SourcePlugin | StagePlugin | SinkPlugin;

/**
 * Declares a source with typed options: the schema is written once and `ctx.options` follows it.
 *
 * @example
 * export const sourceFile = defineSource({ role: 'source', options: { path: { type: 'path', description: '…' } }, … });
 */
export function defineSource<const S extends OptionsSchema>(plugin: SourcePlugin<S>): SourcePlugin<S> {
  return plugin;
}

/**
 * Declares a stage with typed options: `ctx.options`, `check`, `negotiate` and `warmupFrames` get
 * `OptionsOf<S>` (a union tagged by the mode when options say `when`).
 *
 * @example
 * export const gain = defineStage({ role: 'stage', options: { gain: { type: 'number', default: 1, description: '…' } }, …,
 *   create: (ctx) => ({ process: async (inputs) => scale(inputs, ctx.options.gain) }) });
 */
export function defineStage<const S extends OptionsSchema>(plugin: StagePlugin<S>): StagePlugin<S> {
  return plugin;
}

/** Declares a sink with typed options (see `defineStage`). */
export function defineSink<const S extends OptionsSchema>(plugin: SinkPlugin<S>): SinkPlugin<S> {
  return plugin;
}
