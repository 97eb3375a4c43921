// Writes inversify, with its @inversifyjs packages, as one module to dist/node_modules/inversify/.
// Unbundled it is ~250 ES module files that every start resolves and compiles (~0.2 s of the
// CLI's startup, #18). Node resolves `import 'inversify'` from any module in dist/ to the nearest
// node_modules, so ours, the built-in plugins' (plugins/fast-enhance too), the worker threads' and
// the plugin host's imports all get this one copy: one ContainerModule class for one Container.
// Without esbuild (an install without devDependencies) it removes the bundle: the package then
// loads file by file, slower and otherwise the same.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const folder = join(root, 'dist', 'node_modules', 'inversify');
const { version } = JSON.parse(readFileSync(join(root, 'node_modules', 'inversify', 'package.json'), 'utf8'));

rmSync(folder, { recursive: true, force: true });
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.warn('scripts/bundle-inversify.mjs: esbuild is not installed (npm ci installs it); inversify stays unbundled, which starts ~0.2 s slower');
  process.exit(0);
}
mkdirSync(folder, { recursive: true });
await esbuild.build({
  stdin: { contents: "export * from 'inversify';", resolveDir: root, sourcefile: 'inversify-bundle.js' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outfile: join(folder, 'index.js'),
  logLevel: 'warning',
});
const manifest = { name: 'inversify', version, description: `inversify ${version} as one module, made by scripts/bundle-inversify.mjs`, type: 'module', exports: './index.js', license: 'MIT' };
writeFileSync(join(folder, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
