import type { Plugin } from '../stage/plugin.js';

/**
 * The outcome of activating one plugin: its descriptors, or a value that names the plugin and the
 * cause (VS Code's failed ActivatedExtension). Nothing throws past the activator, so one broken
 * plugin is reported by name and cannot take the others down with it.
 */
export type Activation =
  | { ok: true; name: string; plugins: Plugin[]; deactivate(): Promise<void> }
  | { ok: false; name: string; cause: string };
