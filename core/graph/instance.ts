import type { Sink, Source, Stage } from '../stage/plugin.js';
import type { BuiltNode } from './built-graph.js';

/** A node of a running graph and what its plugin created for it. */
export type Instance = { node: BuiltNode } & (
  | { role: 'source'; impl: Source }
  | { role: 'stage'; impl: Stage }
  | { role: 'sink'; impl: Sink }
);
