import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { BuiltNode } from './built-graph.js';

/** The path-typed options of a node: what a source reads, or what a sink writes. */
function paths(node: BuiltNode): { option: string; path: string }[] {
  return Object.entries(node.plugin.options)
    .filter(([name, spec]) => spec.type === 'path' && typeof node.options[name] === 'string' && node.options[name] !== '' && node.options[name] !== '-')
    .map(([name]) => ({ option: name, path: String(node.options[name]) }));
}

/** The real path, through symlinks, of a file that may not exist yet (its folder's real path). */
function real(path: string): string {
  const absolute = resolve(path);
  if (existsSync(absolute)) return realpathSync(absolute);
  const folder = dirname(absolute);
  return existsSync(folder) ? join(realpathSync(folder), basename(absolute)) : absolute;
}

function inside(child: string, folder: string): boolean {
  const rel = relative(folder, child);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..';
}

/**
 * Outputs that would destroy an input (issue #17): a sink that writes the file a source reads
 * (also through a symlink or another spelling of the path), or that writes inside a folder a
 * source reads. Each problem names the sink's option; nothing has been opened yet.
 */
export function ioOverlapProblems(nodes: readonly BuiltNode[]): { node: BuiltNode; option: string; message: string }[] {
  const inputs = nodes.filter((n) => n.plugin.role === 'source').flatMap((n) => paths(n).map((p) => ({ ...p, node: n, real: real(p.path) })));
  const problems: { node: BuiltNode; option: string; message: string }[] = [];
  for (const sink of nodes.filter((n) => n.plugin.role === 'sink')) {
    for (const out of paths(sink)) {
      const target = real(out.path);
      for (const input of inputs) {
        const folder = existsSync(input.real) && statSync(input.real).isDirectory();
        if (target === input.real) {
          problems.push({ node: sink, option: out.option, message: `output ${out.path} is the input ${input.path} of node '${input.node.id}': writing it would destroy the original. Fix: write the enhanced output to another ${folder ? 'folder' : 'file'}` });
        } else if (folder && inside(target, input.real)) {
          problems.push({ node: sink, option: out.option, message: `output ${out.path} is inside the input folder ${input.path} of node '${input.node.id}': it would mix enhanced files with the originals. Fix: write to a folder outside ${input.path}` });
        }
      }
    }
  }
  return problems;
}
