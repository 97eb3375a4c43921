import { DisposableStore, toDisposable } from '../disposable.js';
import type { Logger } from '../logger.js';
import type { Plugin } from '../stage/plugin.js';
import type { Activation } from './activation.js';
import type { PluginActivationContext, PluginModule } from './activation-context.js';
import type { PluginManifest } from './manifest.js';

const roleOf = { stages: 'stage', sources: 'source', sinks: 'sink' } as const;

/** How long activate() and deactivate() may take (VS Code gives deactivate 5 s). */
export const activationDeadlineMs = 10_000;
export const deactivationDeadlineMs = 5_000;

/**
 * Imports a plugin's module and runs its `activate(ctx)`, then checks that it registered exactly
 * what its manifest contributes, each with the declared role. Every failure comes back as a value.
 */
export async function activatePlugin(manifest: PluginManifest, pluginPath: string, load: () => Promise<unknown>, log: Logger): Promise<Activation> {
  const name = manifest.name;
  const failed = (cause: string): Activation => ({ ok: false, name, cause });
  let module: Partial<PluginModule>;
  try {
    module = (await load()) as Partial<PluginModule>;
  } catch (error) {
    return failed(`cannot load ${manifest.main}: ${text(error)}`);
  }
  if (typeof module.activate !== 'function') return failed(`${manifest.main} exports no activate(ctx) function`);

  const subscriptions = new DisposableStore(deactivationDeadlineMs);
  const registered: Plugin[] = [];
  const ctx: PluginActivationContext = {
    subscriptions: [],
    pluginPath,
    log,
    register(plugin) {
      registered.push(plugin);
      return toDisposable(() => void registered.splice(registered.indexOf(plugin), 1));
    },
  };
  const deactivate = async () => {
    try {
      await withDeadline(Promise.resolve(module.deactivate?.()), deactivationDeadlineMs, `${name}: deactivate() took longer than ${deactivationDeadlineMs / 1000} s`);
    } finally {
      for (const d of ctx.subscriptions) subscriptions.add(d);
      await subscriptions.dispose();
    }
  };
  try {
    await withDeadline(Promise.resolve(module.activate(ctx)), activationDeadlineMs, `activate() did not finish within ${activationDeadlineMs / 1000} s`);
  } catch (error) {
    await deactivate().catch(() => undefined);
    return failed(`activate() threw: ${text(error)}`);
  }
  const problems = checkRegistrations(manifest, registered);
  if (problems.length > 0) {
    await deactivate().catch(() => undefined);
    return failed(problems.join('; '));
  }
  return { ok: true, name, plugins: [...registered], deactivate };
}

function checkRegistrations(manifest: PluginManifest, registered: Plugin[]): string[] {
  const problems: string[] = [];
  const expected = new Map<string, string>();
  for (const [kind, role] of Object.entries(roleOf)) for (const c of manifest.contributes[kind as keyof typeof roleOf]) expected.set(c.id, role);
  for (const plugin of registered) {
    if (typeof plugin !== 'object' || plugin === null || typeof plugin.id !== 'string') {
      problems.push(`register() got ${JSON.stringify(plugin)}, not a plugin descriptor with an id`);
      continue;
    }
    const role = expected.get(plugin.id);
    if (!role) problems.push(`registered '${plugin.id}', which kindPipe.contributes does not list`);
    else if (plugin.role !== role) problems.push(`'${plugin.id}' is listed as a ${role} but registered with role ${JSON.stringify(plugin.role)}`);
    else if (typeof plugin.create !== 'function') problems.push(`'${plugin.id}' has no create(ctx) function`);
    else if (plugin.role === 'stage' && typeof plugin.negotiate !== 'function') problems.push(`stage '${plugin.id}' has no negotiate(inputs, options) function`);
  }
  for (const id of expected.keys()) {
    if (!registered.some((p) => p?.id === id)) problems.push(`kindPipe.contributes lists '${id}' but activate() did not register it`);
  }
  return problems;
}

function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function text(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
