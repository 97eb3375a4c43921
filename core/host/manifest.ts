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
export type HostMode = 'inline' | 'isolated';
/** What happens when an isolated plugin crashes or hangs: fail the run, or restart it and retry the frame. */
export type FailurePolicy = 'fail' | 'restart';

export const contributionKinds = ['stages', 'sources', 'sinks', 'models'] as const;
export type ContributionKind = (typeof contributionKinds)[number];

/** One contributed id, with what `kind-pipe plugins` shows before the plugin is activated. */
export interface Contribution {
  id: string;
  description?: string;
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
