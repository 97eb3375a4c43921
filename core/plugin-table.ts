import type { Container } from 'inversify';
import { contributionProvider } from './contribution-provider.js';
import { KindPipeError } from './errors.js';
import type { Plugin } from './stage/plugin.js';
import { PluginContribution } from './tokens.js';

/** Every plugin contributed to the container, by id; two plugins with one id is an error. */
export function pluginTable(container: Container): ReadonlyMap<string, Plugin> {
  const table = new Map<string, Plugin>();
  for (const plugin of contributionProvider(container, PluginContribution).getContributions()) {
    if (table.has(plugin.id)) throw new KindPipeError('plugin', `two plugins contribute the id '${plugin.id}'. Fix: remove or rename one of them`);
    table.set(plugin.id, plugin);
  }
  return table;
}
