/**
 * The `kindPipe` field of a plugin's package.json: what the plugin contributes, when it activates,
 * how it is hosted. Read without running any of the plugin's code (VS Code's package.json
 * `contributes` + `activationEvents`).
 *
 * ```json
 * { "name": "acme-plate-crop", "type": "module", "main": "dist/index.js",
 *   "kindPipe": { "contributes": { "stages": ["acme.plate-crop"] },
 *                 "activationEvents": ["onStage:acme.plate-crop"], "host": "isolated", "policy": "restart" } }
 * ```
 */
import type { CapsPattern } from '../caps.js';
import type { OptionsSchema } from '../options.js';

export type HostMode = 'inline' | 'isolated';
/** What happens when an isolated plugin crashes or hangs: fail the run, or restart it and retry the frame. */
export type FailurePolicy = 'fail' | 'restart';

export const contributionKinds = ['stages', 'sources', 'sinks', 'models'] as const;
export type ContributionKind = (typeof contributionKinds)[number];

/**
 * One contributed id, with what `kind-pipe plugins` shows before the plugin is activated. A stage,
 * source or sink may also declare its contract — inputs, outputs (caps kinds) and option schemas —
 * so it can be listed and reviewed without running its code; on activation the code must register
 * exactly that contract, or the plugin fails to activate.
 */
export interface Contribution {
  id: string;
  description?: string;
  inputs?: { name: string; accepts: CapsPattern }[];
  outputs?: { name: string; produces: CapsPattern }[];
  options?: OptionsSchema;
}

export interface PluginManifest {
  /** The package name: how messages name the plugin. */
  name: string;
  version?: string;
  description?: string;
  /** The ES module to import, relative to the package folder. */
  main: string;
  contributes: Record<ContributionKind, Contribution[]>;
  /** `onStage:ID`, `onSource:ID`, `onSink:ID` or `*` (activate whenever the plugin is loaded). */
  activationEvents: string[];
  host: HostMode;
  policy: FailurePolicy;
  /** Seconds an isolated plugin may take over one request before it counts as unresponsive. */
  timeout: number;
}
