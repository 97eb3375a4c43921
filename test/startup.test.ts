// What keeps `kind-pipe run` quick to start (#18): one inversify for every module, bundled by the
// build, and a CLI whose start loads no module that only other commands need.
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ContainerModule } from 'inversify';
import { projectRoot } from '../models/paths.js';
import { modelsModule } from '../models/module.js';
import { builtinModules } from '../plugins/builtin.js';
import { requiring } from './requiring.js';

const dist = join(projectRoot, 'dist');
const bundle = join(dist, 'node_modules', 'inversify');

test('every built-in ContainerModule comes from the inversify that the container uses', (t) => {
  for (const module of [modelsModule, ...builtinModules]) t.true(module instanceof ContainerModule);
});

requiring(existsSync(bundle), 'inversify is not bundled', 'npm run build (with esbuild installed: npm ci)')('modules in dist/ import the bundled inversify, of the installed version', (t) => {
  t.is(fileURLToPath(import.meta.resolve('inversify')), join(bundle, 'index.js'));
  const version = (folder: string) => JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')).version;
  t.is(version(bundle), version(join(projectRoot, 'node_modules', 'inversify')), 'a stale bundle: npm run build');
});

test('the CLI loads no module, before its command runs, that only other commands or isolated plugins need', (t) => {
  const reached = staticImports(join(dist, 'pipeline', 'cli', 'main.js'));
  const unwanted = ['onnxruntime-node', 'vscode-jsonrpc', 'bullmq', 'ioredis', 'pipeline/eval/', 'pipeline/filter/', 'pipeline/provenance/', 'pipeline/queue/', 'pipeline/serve/', 'pipeline/export/'];
  t.deepEqual(
    [...reached].filter((m) => unwanted.some((u) => m.includes(u))),
    [],
  );
});

/** Modules reached from `entry` through static imports: files in dist/ and bare package names. */
function staticImports(entry: string): Set<string> {
  const reached = new Set([entry]);
  const queue = [entry];
  for (let file = queue.shift(); file; file = queue.shift()) {
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s(?!type\s)(?:[^'";]*?\sfrom\s)?['"]([^'"]+)['"]/gm)) {
      const target = specifier.startsWith('.') ? resolve(dirname(file), specifier) : specifier;
      if (reached.has(target)) continue;
      reached.add(target);
      if (specifier.startsWith('.')) queue.push(target);
    }
  }
  return reached;
}
