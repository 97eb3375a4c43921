import { describeSpec } from '../../core/options.js';
import { describePattern } from '../../core/caps.js';
import type { Plugin } from '../../core/stage/plugin.js';

/** One line per plugin for `kind-pipe plugins`. */
export function pluginSummary(plugin: Plugin): string {
  const ins = plugin.role === 'source' ? '' : plugin.inputs.map((p) => `${p.name}: ${describePattern(p.accepts)}`).join(', ');
  const outs = plugin.role === 'sink' ? '' : plugin.outputs.map((p) => `${p.name}: ${describePattern(p.produces)}`).join(', ');
  const caps = [ins && `in (${ins})`, outs && `out (${outs})`].filter(Boolean).join(' → ');
  return `${plugin.id.padEnd(20)} ${plugin.role.padEnd(6)} ${plugin.description}\n${' '.repeat(28)}${caps}\n${' '.repeat(28)}options: ${Object.keys(plugin.options).join(', ') || '(none)'}`;
}

/** The full description for `kind-pipe describe PLUGIN`. */
export function pluginDetails(plugin: Plugin): string {
  const lines = [`${plugin.id} (${plugin.role})`, `  ${plugin.description}`, ''];
  if (plugin.role !== 'source') {
    lines.push('inputs:');
    for (const p of plugin.inputs) lines.push(`  ${p.name.padEnd(14)} ${describePattern(p.accepts)} — ${p.description}`);
  }
  if (plugin.role !== 'sink') {
    lines.push('outputs:');
    for (const p of plugin.outputs) lines.push(`  ${p.name.padEnd(14)} ${describePattern(p.produces)} — ${p.description}`);
  }
  lines.push('options:');
  for (const [name, spec] of Object.entries(plugin.options)) lines.push(`  ${name.padEnd(14)} ${describeSpec(spec)} — ${spec.description}`);
  lines.push('', 'example node:', `  - id: my-${plugin.id.split('.').pop()}`, ...plugin.example.split('\n').map((l) => `    ${l}`));
  return lines.join('\n');
}

export function pluginJson(plugin: Plugin): unknown {
  return {
    id: plugin.id,
    role: plugin.role,
    description: plugin.description,
    inputs: plugin.role === 'source' ? [] : plugin.inputs,
    outputs: plugin.role === 'sink' ? [] : plugin.outputs,
    options: plugin.options,
  };
}
