// Build step after tsc: compiles the WebAssembly text kernels (plugins/**/*.wat) into dist/ beside
// the JavaScript that loads them, with SIMD enabled. Model files and manifests are read from the
// source tree (see models/paths.ts), so there is nothing else to copy.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import wabt from 'wabt';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const compiler = await wabt();

for (const source of find(join(root, 'plugins'))) {
  const text = readFileSync(source, 'utf8');
  const parsed = compiler.parseWat(source, text, { simd: true, bulk_memory: true, sat_float_to_int: true });
  parsed.validate();
  const { buffer } = parsed.toBinary({});
  parsed.destroy();
  const target = join(root, 'dist', relative(root, source)).replace(/\.wat$/, '.wasm');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, buffer);
}

function find(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : find(path);
    return entry.name.endsWith('.wat') ? [path] : [];
  });
}
