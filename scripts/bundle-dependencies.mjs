// Writes the dependencies that every start loads file by file as one module each, to
// dist/node_modules/NAME/: inversify with its @inversifyjs packages (~250 ES module files) and
// yaml (~75 CommonJS files), together ~0.25 s of the CLI's startup (#18). Node resolves
// `import 'inversify'` from any module in dist/ to the nearest node_modules, so ours, the built-in
// plugins' (plugins/fast-enhance too), the worker threads' and the plugin host's imports all get
// the one bundled copy: one ContainerModule class for one Container. A bundle exports exactly the
// names that the package gives an ES module import. Without esbuild (an install without
// devDependencies) it removes the bundles: the packages then load file by file, slower and
// otherwise the same.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bundled = ['inversify', 'yaml'];
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'node_modules');

rmSync(out, { recursive: true, force: true });
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.warn(`scripts/bundle-dependencies.mjs: esbuild is not installed (npm ci installs it); ${bundled.join(', ')} stay unbundled, which starts ~0.25 s slower`);
  process.exit(0);
}
for (const name of bundled) {
  const { version, license } = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'));
  const names = Object.keys(await import(name)); // 'default' too, for a CommonJS package
  const folder = join(out, name);
  mkdirSync(folder, { recursive: true });
  await esbuild.build({
    stdin: { contents: `export { ${names.join(', ')} } from '${name}';`, resolveDir: root, sourcefile: `${name}-bundle.js` },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // CommonJS modules in an ES module bundle require Node's built-ins through this.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    outfile: join(folder, 'index.js'),
    logLevel: 'warning',
  });
  const manifest = { name, version, description: `${name} ${version} as one module, made by scripts/bundle-dependencies.mjs`, type: 'module', exports: './index.js', license };
  writeFileSync(join(folder, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
}
