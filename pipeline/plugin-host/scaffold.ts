import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { KindPipeError } from '../../core/errors.js';
import { scaffoldFiles } from './scaffold-templates.js';

/**
 * Writes a new stage plugin into `folder` (which must not exist) and compiles its sources into
 * dist/ with TypeScript's transpiler, so the plugin runs before its author builds it. Returns the
 * files written, relative to the folder.
 */
export async function scaffoldPlugin(folder: string): Promise<string[]> {
  const name = basename(folder);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new KindPipeError('usage', `plugin name '${name}': use lower-case letters, digits and '-', e.g. plate-crop`);
  if (existsSync(folder)) throw new KindPipeError('usage', `${folder} already exists. Fix: choose another name or remove it`);
  const files = scaffoldFiles(name, `${name}.gain`);
  const ts = await loadTypeScript();
  for (const [path, text] of Object.entries(files)) {
    if (path.endsWith('.ts') && ts) {
      const js = ts.transpileModule(text, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
      files[path.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js')] = js;
    }
  }
  if (!ts) throw new KindPipeError('plugin', 'kind-pipe plugin new needs the typescript package to compile the new plugin once. Fix: npm install typescript');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), text);
  }
  return Object.keys(files).sort();
}

async function loadTypeScript(): Promise<typeof import('typescript') | undefined> {
  try {
    const module = await import('typescript');
    return (module as { default?: typeof import('typescript') }).default ?? module;
  } catch {
    return undefined;
  }
}
