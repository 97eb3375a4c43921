// What keeps `kind-pipe run` quick to start (#18): one inversify for every module, bundled with yaml
// by the build, and a CLI whose start loads no module that only other commands need.
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
const bundles = join(dist, 'node_modules');

test('every built-in ContainerModule comes from the inversify that the container uses', (t) => {
  for (const module of [modelsModule, ...builtinModules]) t.true(module instanceof ContainerModule);
});

requiring(existsSync(bundles), 'the dependencies are not bundled', 'npm run build (with esbuild installed: npm ci)')('modules in dist/ import the bundled inversify and yaml, of the installed versions', (t) => {
  const version = (folder: string) => JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')).version;
  for (const name of ['inversify', 'yaml']) {
    t.is(fileURLToPath(import.meta.resolve(name)), join(bundles, name, 'index.js'));
    t.is(version(join(bundles, name)), version(join(projectRoot, 'node_modules', name)), `${name}: a stale bundle: npm run build`);
  }
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
