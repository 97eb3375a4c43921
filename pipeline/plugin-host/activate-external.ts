import { pathToFileURL } from 'node:url';
import { KindPipeError } from '../../core/errors.js';
import { activatePlugin } from '../../core/host/activate-plugin.js';
import type { PluginManifest } from '../../core/host/manifest.js';
import type { Logger } from '../../core/logger.js';
import type { Plugin } from '../../core/stage/plugin.js';

/** Activates an external plugin's module inside a worker thread and returns one of its plugins. */
export async function activateExternal(external: { entry: string; folder: string; manifest: PluginManifest }, pluginId: string, log: Logger): Promise<Plugin | undefined> {
  const activation = await activatePlugin(external.manifest, external.folder, () => import(pathToFileURL(external.entry).href), log);
  if (!activation.ok) throw new KindPipeError('plugin', `plugin '${activation.name}' failed to activate on its worker thread: ${activation.cause}`, { origin: { plugin: activation.name } });
  return activation.plugins.find((p) => p.id === pluginId);
}
