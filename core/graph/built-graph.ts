import type { Options } from '../options.js';
import type { Plugin } from '../stage/plugin.js';

/** A node whose plugin, options and inputs were all checked. */
export interface BuiltNode {
  id: string;
  plugin: Plugin;
  options: Options;
  /** Input port → producer node id and its output port. */
  inputs: Record<string, { node: string; port: string }>;
  /** Runs on a worker thread (stages only). */
  worker: boolean;
}

/** A validated graph in topological order (sources first, sinks last). */
export interface BuiltGraph {
  file: string;
  nodes: BuiltNode[];
  queueSize: number;
}
