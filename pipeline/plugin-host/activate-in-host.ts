import { activationDeadlineMs } from '../../core/host/activate-plugin.js';
import type { Activation } from '../../core/host/activation.js';
import type { Logger } from '../../core/logger.js';
import type { DiscoveredPlugin } from './discovered-plugin.js';
import { PluginHostProcess } from './host-process.js';
import { isolatedStagePlugin } from './isolated-plugin.js';

/**
 * Activates an isolated plugin in a fresh host process to learn its stages' contracts. On success
 * the process stays up as a spare that the plugin's first node takes over; on failure it is
 * stopped and the activation is a value naming the plugin, with its last stderr lines.
 */
export async function activateInHost(plugin: DiscoveredPlugin, log: Logger): Promise<Activation> {
  const name = plugin.manifest.name;
  let host: PluginHostProcess;
  try {
    host = await PluginHostProcess.start(name, log);
  } catch (error) {
    return { ok: false, name, cause: error instanceof Error ? error.message : String(error) };
  }
  const failed = async (cause: string): Promise<Activation> => {
    await host.kill();
    const lines = host.lastLines();
    return { ok: false, name, cause: lines.length ? `${cause}. Last stderr lines:\n    ${lines.slice(-10).join('\n    ')}` : cause };
  };
  let timer: NodeJS.Timeout | undefined;
  const reply = await Promise.race([
    host.proxy.$activate({ entry: plugin.entry, folder: plugin.folder, manifest: plugin.manifest }).catch((error: Error) => ({ ok: false as const, cause: error.message })),
    host.exited.then(() => ({ ok: false as const, cause: `its host process ${host.label} ${host.describeExit()} while activating` })),
    new Promise<{ ok: false; cause: string }>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, cause: `activation did not finish within ${activationDeadlineMs / 1000 + 2} s` }), activationDeadlineMs + 2000);
    }),
  ]).finally(() => clearTimeout(timer));
  if (!reply.ok) return failed(reply.cause);
  host.activated = true;
  let spare: PluginHostProcess | undefined = host;
  const takeSpare = () => {
    const taken = spare;
    spare = undefined;
    return taken;
  };
  return { ok: true, name, plugins: reply.stages.map((d) => isolatedStagePlugin(plugin, d, takeSpare)), deactivate: async () => void (await takeSpare()?.stop()) };
}
