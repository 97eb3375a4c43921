import type { ModelEntry } from '../../core/model.js';

const indent = ' '.repeat(14);

/**
 * What `kind-pipe models` and `kind-pipe describe MODEL` print for one registered model: its
 * networks with hashes and training, task, input contract, licence and training data.
 */
export function modelDetails(e: ModelEntry): string {
  // an int8 variant (role decom-int8) holds the same parameters as its fp32 network
  const params = Object.values(e.networks).filter((n) => !n.role.endsWith('-int8')).reduce((s, n) => s + n.params, 0);
  const lines = [`${e.id.padEnd(12)} ${e.trained ? 'trained  ' : 'UNTRAINED'} ${params >= 1e5 ? `${(params / 1e6).toFixed(2)} M` : `${(params / 1e3).toFixed(1)} k`} params  ${e.description}`];
  for (const n of Object.values(e.networks)) {
    lines.push(
      `${indent}${n.role.padEnd(8)} ${n.trained ? `trained ${n.steps} steps, ${n.minutes} min` : 'untrained'}  sha256 ${n.sha256.slice(0, 12)}…` +
        `  ${n.params.toLocaleString('en')} params  ${n.inputs.join(', ')} → ${n.outputs.join(', ')}`,
    );
  }
  lines.push(`${indent}task     ${e.task}${e.task === 'kind' ? ' (low-light enhancement; stages kind.decom, kind.restore, kind.illumination)' : ''}`);
  if (e.task === 'kind') lines.push(`${indent}input    rgb, NCHW f32 [1,3,H,W], 0..1 after a min-max stretch (stage normalize), any H×W`);
  for (const n of Object.values(e.networks)) {
    const c = n.contract;
    if (!c) continue;
    lines.push(`${indent}input    ${c.order}, ${c.layout} ${c.dtype} ${c.range}, H and W multiples of ${c.multiple}; output ×${c.scale} the input size${c.global === 'whole' ? '; needs the whole frame (never tiled)' : ''}`);
    lines.push(`${indent}run as   plugin: model.image, options: { model: ${e.id}, layout: ${c.layout}, range: '${c.range}', dtype: ${c.dtype}${c.scale !== 1 ? `, scale: ${c.scale}` : ''}${c.multiple !== 1 ? `, multiple: ${c.multiple}` : ''}${c.global !== 'none' ? `, global: ${c.global}` : ''} }`);
  }
  lines.push(`${indent}licence  ${e.license}`, `${indent}data     ${e.trainedOn}`);
  return lines.join('\n');
}
