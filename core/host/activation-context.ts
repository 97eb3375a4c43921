import type { Disposable } from '../disposable.js';
import type { Logger } from '../logger.js';
import type { Plugin } from '../stage/plugin.js';

/**
 * What a plugin's `activate(ctx)` receives. It registers each contributed plugin and pushes the
 * returned Disposable (and anything else it must release) into `subscriptions`, which kind-pipe
 * disposes when it deactivates the plugin (VS Code's ExtensionContext).
 *
 * ```js
 * export function activate(ctx) {
 *   ctx.subscriptions.push(ctx.register(plateCrop));
 * }
 * ```
 */
export interface PluginActivationContext {
  readonly subscriptions: Disposable[];
  register(plugin: Plugin): Disposable;
  readonly log: Logger;
  /** The plugin's package folder, for files it ships (models, lookup tables). */
  readonly pluginPath: string;
}

/** What a plugin's main module exports. */
export interface PluginModule {
  activate(ctx: PluginActivationContext): void | Promise<void>;
  deactivate?(): void | Promise<void>;
}
