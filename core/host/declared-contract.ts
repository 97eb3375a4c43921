import { describePattern, type CapsPattern } from '../caps.js';
import { describeSpec } from '../options.js';
import type { Plugin } from '../stage/plugin.js';
import type { Contribution } from './manifest.js';

/**
 * Where the contract a plugin's code registers differs from what its manifest declares (ports,
 * their caps kinds, option names and schemas). Empty when they agree or nothing was declared.
 */
export function contractMismatches(declared: Contribution, plugin: Plugin): string[] {
  const problems: string[] = [];
  const ports = (what: 'inputs' | 'outputs', mine: readonly { name: string; caps: CapsPattern }[] | undefined, theirs: readonly { name: string; caps: CapsPattern }[]) => {
    if (!mine) return;
    const show = (list: readonly { name: string; caps: CapsPattern }[]) => list.map((p) => `${p.name}: ${describePattern(p.caps)}`).join(', ') || '(none)';
    const same = mine.length === theirs.length && mine.every((p, i) => p.name === theirs[i].name && describePattern(p.caps) === describePattern(theirs[i].caps));
    if (!same) problems.push(`${what}: the manifest declares (${show(mine)}) but the code registers (${show(theirs)})`);
  };
  const inputs = plugin.role === 'source' ? [] : plugin.inputs.map((p) => ({ name: p.name, caps: p.accepts }));
  const outputs = plugin.role === 'sink' ? [] : plugin.outputs.map((p) => ({ name: p.name, caps: p.produces }));
  ports('inputs', declared.inputs?.map((p) => ({ name: p.name, caps: p.accepts })), inputs);
  ports('outputs', declared.outputs?.map((p) => ({ name: p.name, caps: p.produces })), outputs);
  if (declared.options) {
    const names = new Set([...Object.keys(declared.options), ...Object.keys(plugin.options)]);
    for (const name of names) {
      const mine = declared.options[name];
      const theirs = plugin.options[name];
      if (!mine) problems.push(`options.${name}: the code registers it but the manifest does not declare it`);
      else if (!theirs) problems.push(`options.${name}: the manifest declares it but the code does not register it`);
      else if (describeSpec(mine) !== describeSpec(theirs)) problems.push(`options.${name}: the manifest declares ${describeSpec(mine)} but the code registers ${describeSpec(theirs)}`);
    }
  }
  return problems;
}
