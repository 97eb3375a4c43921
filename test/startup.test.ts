// What keeps `kind-pipe run` quick to start (#18): one inversify for every module, bundled with yaml
// by the build, and a CLI whose start loads no module that only other commands need.
import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ContainerModule } from 'inversify';
import { projectRoot } from '../models/paths.js';
import { modelsModule } from '../models/module.js';
import { builtinModules } from '../plugins/builtin.js';
import { cliPath, copyPipeline, exists, makeClip, tempDir } from './helpers.js';
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

test('without a separate ffmpeg -version check, a missing ffmpeg or ffprobe still fails the run with exit 3, naming it and the fix', async (t) => {
  const dir = tempDir();
  await makeClip(join(dir, 'in.mp4'), { width: 64, height: 48, seconds: 0.2 });
  const pipeline = copyPipeline(dir);
  for (const [variable, name] of [['KIND_PIPE_FFMPEG', 'ffmpeg'], ['KIND_PIPE_FFPROBE', 'ffprobe']]) {
    const missing = join(dir, `no-${name}`);
    const error = await promisify(execFile)(process.execPath, [cliPath, 'run', pipeline, '--no-manifest'], { cwd: dir, env: { ...process.env, [variable]: missing } }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    t.is(error?.code, 3, name);
    t.true(error?.stderr.includes(`${name} is not installed or not on PATH (${missing}). Fix: apt-get install ffmpeg, or set ${variable}`), error?.stderr);
    t.false(exists(join(dir, 'out.mp4')));
  }
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
