import type { Caps } from '../../core/caps.js';
import type { KindPipeErrorData } from '../../core/errors.js';
import type { FrameSet } from '../../core/frame.js';
import type { PluginManifest } from '../../core/host/manifest.js';

/** Host → worker. One request at a time; each gets exactly one reply. */
export type WorkerRequest =
  | { type: 'start'; caps: Record<string, Caps> }
  | { type: 'process'; frames: FrameSet }
  | { type: 'dispose' };

/** Worker → host. */
export type WorkerReply =
  /** `computeMs`: the stage's own time in `process()`, measured on the worker. */
  | { type: 'done'; frames?: FrameSet; computeMs?: number }
  | ({ type: 'error' } & KindPipeErrorData)
  | { type: 'log'; level: 'info' | 'warn' | 'debug'; message: string; fields?: Record<string, unknown> };

/** What the worker is created with. */
export interface WorkerSetup {
  nodeId: string;
  pluginId: string;
  options: Record<string, number | string | boolean>;
  /** An external plugin (docs/plugins.md): the worker activates its module to find the stage. */
  external?: { entry: string; folder: string; manifest: PluginManifest };
}
