import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { PluginReference } from '../../core/graph/spec.js';
import { validateManifest } from '../../core/host/validate-manifest.js';
import type { DiscoveredPlugin } from './discovered-plugin.js';

/**
 * Finds the plugins a pipeline may use: those its `plugins:` list names (folders relative to the
 * pipeline file, or package names resolved through node_modules) and installed packages whose
 * package.json carries a `kindPipe` field. Only reads package.json files; runs nothing.
 */
export function discoverPlugins(pipelineFile: string | undefined, references: readonly PluginReference[] = []): { plugins: DiscoveredPlugin[]; problems: string[] } {
  const base = pipelineFile ? dirname(resolve(pipelineFile)) : process.cwd();
  const plugins: DiscoveredPlugin[] = [];
  const problems: string[] = [];
  for (const ref of references) {
    const folder = ref.from.startsWith('.') || isAbsolute(ref.from) ? resolve(base, ref.from) : findPackage(ref.from, [base, process.cwd()]);
    if (!folder || !existsSync(join(folder, 'package.json'))) {
      problems.push(`${ref.at}: plugin '${ref.from}': no package.json found${folder ? ` in ${folder}` : ' in any node_modules above the pipeline file'}. Fix: give the plugin's folder (relative to the pipeline file) or install the package`);
      continue;
    }
    const found = readPlugin(folder, 'pipeline');
    if ('problems' in found) problems.push(...found.problems.map((p) => `${ref.at}: ${p}`));
    else {
      const m = found.plugin.manifest;
      found.plugin.manifest = { ...m, host: ref.host ?? m.host, policy: ref.policy ?? m.policy, timeout: ref.timeout ?? m.timeout };
      plugins.push(found.plugin);
    }
  }
  for (const folder of installedPackages([base, process.cwd()])) {
    const found = readPlugin(folder, 'installed');
    if ('problems' in found) problems.push(...found.problems);
    else if (!plugins.some((p) => p.manifest.name === found.plugin.manifest.name)) plugins.push(found.plugin);
  }
  return { plugins, problems };
}

function readPlugin(folder: string, origin: DiscoveredPlugin['origin']): { plugin: DiscoveredPlugin } | { problems: string[] } {
  const where = join(folder, 'package.json');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(where, 'utf8'));
  } catch (error) {
    return { problems: [`${where}: not readable JSON: ${error instanceof Error ? error.message : error}`] };
  }
  const checked = validateManifest(json, where);
  if ('problems' in checked) return checked;
  const entry = join(folder, checked.manifest.main);
  if (!existsSync(entry)) {
    return { problems: [`${checked.manifest.name}: kindPipe.main: ${entry} does not exist. Fix: build the plugin (npm run build) or correct "main"`] };
  }
  return { plugin: { manifest: checked.manifest, folder, entry, origin } };
}

function findPackage(name: string, starts: string[]): string | undefined {
  for (const start of starts) {
    for (let dir = start; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}

/** Folders of installed packages whose package.json has a `kindPipe` field (nearest node_modules). */
function installedPackages(starts: string[]): string[] {
  const scanned = new Set<string>(); // the pipeline's folder and the current one mostly share theirs
  const folders: string[] = [];
  for (const start of starts) {
    for (let dir = start; ; dir = dirname(dir)) {
      const modules = join(dir, 'node_modules');
      if (existsSync(modules)) {
        if (!scanned.has(modules)) for (const folder of packageFolders(modules)) if (hasManifest(folder)) folders.push(folder);
        scanned.add(modules);
        break;
      }
      if (dirname(dir) === dir) break;
    }
  }
  return folders;
}

function packageFolders(modules: string): string[] {
  const folders: string[] = [];
  for (const name of readdirSync(modules)) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) for (const inner of safeList(join(modules, name))) folders.push(join(modules, name, inner));
    else folders.push(join(modules, name));
  }
  return folders;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function hasManifest(folder: string): boolean {
  try {
    const text = readFileSync(join(folder, 'package.json'), 'utf8');
    return text.includes('"kindPipe"') && JSON.parse(text).kindPipe !== undefined; // most packages are not plugins: parse only candidates (#18)
  } catch {
    return false;
  }
}
