import { pathToFileURL } from 'node:url';
import { KindPipeError } from '../../core/errors.js';

const owners = new Map<string, string>(); // folder URL prefix → plugin name
let realExit: typeof process.exit | undefined;

/**
 * An inline plugin shares kind-pipe's process, so its `process.exit(0)` would end a run as if it
 * had succeeded, with the output half-written (#17). Once an inline plugin is loaded, a call to
 * process.exit whose stack passes through a plugin's folder throws instead, naming the plugin, and
 * the run fails the normal way (exit 1, partial output removed). kind-pipe's own calls pass.
 * (An isolated plugin's exit ends only its host process, which is reported as a crash.)
 */
export function guardProcessExit(folder: string, plugin: string): void {
  owners.set(pathToFileURL(folder).href.replace(/\/?$/, '/'), plugin);
  if (realExit) return;
  realExit = process.exit;
  const exit = realExit;
  process.exit = ((code?: number | string | null) => {
    const stack = new Error().stack ?? '';
    for (const [prefix, name] of owners) {
      if (stack.includes(prefix)) {
        throw new KindPipeError('plugin', `plugin '${name}' called process.exit(${code ?? ''}), which would end kind-pipe in the middle of the run. Fix: throw an Error from the plugin instead; kind-pipe stops the run and removes its partial output`, { origin: { plugin: name } });
      }
    }
    return exit(code);
  }) as typeof process.exit;
}
