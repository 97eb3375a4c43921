/**
 * Everything that crosses the boundary between kind-pipe and an isolated plugin host process
 * (VS Code's extHost.protocol.ts). Control messages are JSON-RPC (vscode-jsonrpc) over the fork
 * IPC channel; frame pixels never go through JSON: each `$process` request carries only
 * `FrameHeader`s, and the bytes travel over a Unix socket in a `FramePacket` with the same `seq`.
 */
import type { Caps } from '../caps.js';
import type { KindPipeErrorData } from '../errors.js';
import type { OptionsSchema, Options } from '../options.js';
import type { InputPort, OutputPort } from '../stage/plugin.js';
import type { PluginManifest } from './manifest.js';

/** A stage descriptor as data: what the host process tells kind-pipe about each registered stage. */
export interface StageDescription {
  id: string;
  role: 'stage';
  description: string;
  options: OptionsSchema;
  example: string;
  inputs: InputPort[];
  outputs: OutputPort[];
}

/** One frame's facts; its bytes follow on the frame socket. */
export interface FrameHeader {
  port: string;
  index: number;
  pts: number;
  width: number;
  height: number;
  channels: number;
  dtype: 'u8' | 'f32';
  byteLength: number;
  meta?: Record<string, unknown>;
}

export type ActivateReply = { ok: true; stages: StageDescription[] } | { ok: false; cause: string };

/** Implemented by the plugin host process; kind-pipe calls it. */
export interface PluginHostShape {
  $activate(request: { entry: string; folder: string; manifest: PluginManifest }): Promise<ActivateReply>;
  $negotiate(request: { pluginId: string; inputs: Record<string, Caps>; options: Options }): Promise<Record<string, Caps>>;
  $createStage(request: { instance: number; pluginId: string; nodeId: string; options: Options }): Promise<void>;
  $start(request: { instance: number; caps: Record<string, Caps> }): Promise<void>;
  /** The frames' bytes arrive on the frame socket as packet `seq`; the outputs' go back as packet `seq`. */
  $process(request: { instance: number; seq: number; frames: FrameHeader[] }): Promise<FrameHeader[]>;
  $disposeStage(request: { instance: number }): Promise<void>;
  /** Runs the plugin's deactivate() and disposes its subscriptions, within the deadline. */
  $deactivate(): Promise<void>;
}

/** Implemented by kind-pipe; the plugin host process calls it. */
export interface PluginHostMainShape {
  $log(request: { level: 'info' | 'warn' | 'debug'; message: string }): Promise<void>;
}

/** The method tables: the one list of names each side serves. */
export const pluginHostMethods = ['$activate', '$negotiate', '$createStage', '$start', '$process', '$disposeStage', '$deactivate'] as const satisfies readonly (keyof PluginHostShape)[];
export const pluginHostMainMethods = ['$log'] as const satisfies readonly (keyof PluginHostMainShape)[];

/** `error.data` of a failed request, so the error keeps its kind and origin across the boundary (the message is the JSON-RPC error's). */
export type RemoteErrorData = Omit<KindPipeErrorData, 'message'>;
