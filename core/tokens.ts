import type { ServiceIdentifier } from 'inversify';
import type { Plugin } from './stage/plugin.js';

/** Extension point: every built-in or discovered plugin binds its descriptor here (Theia-style). */
export const PluginContribution: ServiceIdentifier<Plugin> = Symbol.for('kind-pipe.PluginContribution');
