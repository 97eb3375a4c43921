import { KindPipeError } from '../../core/errors.js';
import type { BuiltGraph, BuiltNode } from '../../core/graph/built-graph.js';
import { exposureRole } from '../../plugins/kind/illumination.js';

/** What one exported graph computes: the pipeline's KinD recipe, per frame. */
export interface KindRecipe {
  model: string;
  /** `temporal` pipelines export as `minmax` (a single-frame graph has no past). */
  normalize: 'minmax' | 'none';
  illumination: { mode: 'ratio'; ratio: number } | { mode: 'auto'; target: number } | { mode: 'learned'; compensation: number; net: 'exposure' | 'exposure-night' };
  fusion: 'official' | 'product';
  sigma: number;
  /** Where the exported graph differs from what the pipeline does on video, for the user. */
  differences: string[];
}

/** The one chain kind-pipe export knows; `port ← plugin.output` for every input. */
const chain: Readonly<Record<string, Readonly<Record<string, readonly [string, string]>>>> = {
  normalize: { video: ['source', 'video'] },
  'kind.decom': { image: ['normalize', 'image'] },
  'kind.restore': { reflectance: ['kind.decom', 'reflectance'], illumination: ['kind.decom', 'illumination'] },
  'kind.illumination': { illumination: ['kind.decom', 'illumination'] },
  'kind.fuse': {
    image: ['normalize', 'image'],
    reflectance: ['kind.decom', 'reflectance'],
    illumination: ['kind.decom', 'illumination'],
    restored: ['kind.restore', 'restored'],
    adjusted: ['kind.illumination', 'adjusted'],
  },
};
const supported = 'source → normalize → kind.decom → kind.restore + kind.illumination → kind.fuse → sink, the three networks with one `model`';

/**
 * Reads the KinD recipe off a validated graph, refusing anything that is not exactly the chain a
 * single ONNX graph can hold: an extra stage, a missing one, a different wiring, or networks of
 * different models are named with the node and what is supported.
 *
 * ```ts
 * const recipe = kindRecipe(buildGraph(spec, plugins, services)); // { model: 'kind', normalize: 'minmax', … }
 * ```
 */
export function kindRecipe(graph: BuiltGraph): KindRecipe {
  const refuse = (what: string) => new KindPipeError('config', `${graph.file}: ${what}. kind-pipe export supports exactly ${supported}`);
  const byPlugin = new Map<string, BuiltNode>();
  const differences: string[] = [];
  // temporal.denoise averages each pixel over earlier frames: a one-frame graph has none, so the
  // exported graph leaves it out (and says so) and takes the source's frames as they are.
  const seeThrough = new Map<string, string>();
  for (const node of graph.nodes) {
    if (node.plugin.id !== 'temporal.denoise') continue;
    seeThrough.set(node.id, node.inputs.video.node);
    differences.push(`node '${node.id}' (temporal.denoise) is left out: it averages each pixel over up to ${node.options.frames} earlier frames, and a single-frame graph has no past; put ffmpeg's own temporal denoiser (e.g. hqdn3d, atadenoise) before dnn_processing instead`);
  }
  for (const node of graph.nodes) {
    if (node.plugin.role !== 'stage' || seeThrough.has(node.id)) continue;
    if (node.plugin.id === 'kind.regions') {
      throw refuse(`node '${node.id}' (kind.regions) keeps the enhanced maps of earlier frames and reruns the networks only where the picture changed; a single-frame graph has no earlier frames, so every frame would run whole. Fix: export the per-frame pipeline (pipelines/cctv-night.yaml: the same networks), or put kind.decom + kind.restore in its place`);
    }
    if (!(node.plugin.id in chain)) throw refuse(`node '${node.id}' (${node.plugin.id}) cannot be part of an exported graph`);
    const twin = byPlugin.get(node.plugin.id);
    if (twin) throw refuse(`nodes '${twin.id}' and '${node.id}' are both ${node.plugin.id}; an exported graph holds one`);
    byPlugin.set(node.plugin.id, node);
  }
  for (const id of Object.keys(chain)) if (!byPlugin.has(id)) throw refuse(`the pipeline has no ${id} node`);
  const roleOf = (id: string): string | undefined => {
    if (seeThrough.has(id)) return roleOf(seeThrough.get(id)!);
    const node = graph.nodes.find((n) => n.id === id);
    return node?.plugin.role === 'source' ? 'source' : node?.plugin.id;
  };
  for (const [pluginId, ports] of Object.entries(chain)) {
    const node = byPlugin.get(pluginId)!;
    for (const [port, [from, output]] of Object.entries(ports)) {
      const input = node.inputs[port];
      if (roleOf(input.node) !== from || input.port !== output) {
        throw refuse(`node '${node.id}' (${pluginId}) takes '${port}' from '${input.node}.${input.port}', where the chain has ${from}.${output}`);
      }
    }
  }
  const fuse = byPlugin.get('kind.fuse')!;
  const sinkFed = graph.nodes.filter((n) => n.plugin.role === 'sink').every((n) => Object.values(n.inputs).every((i) => i.node === fuse.id));
  if (!sinkFed) throw refuse(`the sink must take the output of '${fuse.id}' (kind.fuse)`);

  const networks = ['kind.decom', 'kind.restore', 'kind.illumination'].map((id) => byPlugin.get(id)!);
  const model = String(networks[0].options.model);
  const other = networks.find((n) => String(n.options.model) !== model);
  if (other) {
    throw refuse(
      `node '${other.id}' uses model '${other.options.model}' but '${networks[0].id}' uses '${model}'. Fix: --set ${networks.map((n) => `${n.id}.model=${model}`).join(' --set ')}`,
    );
  }

  const norm = byPlugin.get('normalize')!;
  const normMode = String(norm.options.mode);
  if (normMode === 'temporal') {
    differences.push(
      `node '${norm.id}' (normalize mode: temporal) is exported as per-frame minmax: a single-frame graph has no past to smooth over, and it stretches by the plain min and max (no 'clip'), so it can flicker where the pipeline does not`,
    );
  }
  const illum = byPlugin.get('kind.illumination')!;
  const illumMode = String(illum.options.mode);
  if (illumMode === 'auto') differences.push(`node '${illum.id}' (mode: auto) computes its ratio from each frame alone, clamp(target / mean(I), 0.5, 20): the smoothing over time is dropped`);
  if (illumMode === 'learned') differences.push(`node '${illum.id}' (mode: learned) runs its exposure net on each frame alone: the smoothing over time is dropped`);
  return {
    model,
    normalize: normMode === 'none' ? 'none' : 'minmax',
    illumination: illumination(illumMode, illum.options),
    fusion: fuse.options.mode === 'product' ? 'product' : 'official',
    sigma: Number(fuse.options.sigma),
    differences,
  };
}

function illumination(mode: string, options: BuiltNode['options']): KindRecipe['illumination'] {
  if (mode === 'auto') return { mode, target: Number(options.target) };
  if (mode === 'learned') return { mode, compensation: Number(options.compensation), net: exposureRole(String(options.exposureNet)) };
  return { mode: 'ratio', ratio: Number(options.ratio) };
}
