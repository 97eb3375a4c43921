import test from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pluginTable } from '../core/plugin-table.js';
import { projectRoot } from '../models/paths.js';
import { createContainer } from '../pipeline/container.js';
import { cli } from './helpers.js';

// The user guide and the docs, checked against the repository (#21). A fenced block preceded by a
// line `<!-- file: PATH -->` shows PATH: it must be that file, or a run of its lines, verbatim.

const docs = ['README.md', ...readdirSync(join(projectRoot, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const read = (file: string) => readFileSync(join(projectRoot, file), 'utf8');
const readme = read('README.md');

/** The fenced blocks of a Markdown text that name the file they show. */
function fileBlocks(text: string): { file: string; line: number; lines: string[] }[] {
  const lines = text.split('\n');
  const blocks: { file: string; line: number; lines: string[] }[] = [];
  lines.forEach((line, i) => {
    const named = /^<!-- file: (\S+) -->$/.exec(line.trim());
    if (!named) return;
    const fence = lines[i + 1] ?? '';
    if (!fence.startsWith('```')) throw new Error(`line ${i + 1}: '${line}' must stand just before a fenced block`);
    const end = lines.findIndex((l, j) => j > i + 1 && l.startsWith('```'));
    blocks.push({ file: named[1], line: i + 1, lines: lines.slice(i + 2, end) });
  });
  return blocks;
}

/** Whether `part` is a run of consecutive lines of `whole`. */
function isExcerpt(part: string[], whole: string[]): boolean {
  return whole.some((_, start) => part.every((line, k) => whole[start + k] === line));
}

test('every doc block that names a file is that file, or a run of its lines, verbatim (#21)', (t) => {
  let checked = 0;
  for (const doc of docs) {
    for (const block of fileBlocks(read(doc))) {
      const path = join(projectRoot, block.file);
      t.true(existsSync(path), `${doc}:${block.line}: ${block.file} does not exist`);
      if (!existsSync(path)) continue;
      t.true(block.lines.length > 0, `${doc}:${block.line}: the block is empty`);
      t.true(isExcerpt(block.lines, read(block.file).split('\n')), `${doc}:${block.line}: the block differs from ${block.file}; copy the lines from the file`);
      checked++;
    }
  }
  t.true(checked >= 3, `only ${checked} blocks name their file`);
});

test('the README lists exactly the built-in plugin ids (#21)', (t) => {
  const paragraph = readme.slice(readme.indexOf('\nBuilt-in: '), readme.indexOf('\n\n', readme.indexOf('\nBuilt-in: ')));
  const listed = [...paragraph.matchAll(/`([a-z][a-z0-9]*(?:\.[a-z0-9-]+)?)`/g)].map((m) => m[1]).filter((id) => id !== 'worker');
  const builtIn = [...pluginTable(createContainer()).keys()];
  t.deepEqual([...new Set(listed)].sort(), builtIn.sort());
});

test('the README is a user guide of at most 250 lines (#21)', (t) => {
  const lines = readme.split('\n').length - (readme.endsWith('\n') ? 1 : 0);
  t.true(lines <= 250, `README.md has ${lines} lines; move detail into docs/, the model cards or bench/results/`);
  t.regex(readme, /```sh\nnpm run demo {4}# .+\nnpm test {8}# .+\n```/, 'the two commands stand at the top');
});

test('no file in the repository points at the design notes or style guide outside it (#21)', (t) => {
  const outside = new RegExp(['shared', '(DESIGN|STYLE)\\.md'].join('/') + '|\\bDESIGN\\.md\\b');
  const files = execFileSync('git', ['ls-files'], { cwd: projectRoot, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && !f.startsWith('bench/results/') && existsSync(join(projectRoot, f)));
  const pointing = files.filter((f) => outside.test(readFileSync(join(projectRoot, f), 'utf8')));
  t.deepEqual(pointing, [], 'users do not have those notes: write what they need into the repository');
});

test('every relative link in the README and docs/ points at a file that exists (#21)', (t) => {
  for (const doc of docs) {
    for (const [, target] of read(doc).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target) || target.startsWith('#')) continue;
      const path = join(projectRoot, dirname(doc), target.split('#')[0]);
      t.true(existsSync(path), `${doc}: link ${target} → ${relative(projectRoot, path)} does not exist`);
    }
  }
});

test('the validate command the README shows works as shown on the template (#21)', async (t) => {
  const line = readme.split('\n').find((l) => l.startsWith('npx kind-pipe validate '));
  t.truthy(line, 'the README shows a validate command');
  const args = line!.replace(/#.*/, '').trim().split(/\s+/).slice(2);
  const result = await cli(args);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /^pipelines\/cctv-night\.yaml: valid \(7 nodes: /);
});
