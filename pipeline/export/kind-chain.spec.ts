import test from 'ava';
import { videoCaps } from '../../core/caps.js';
import { KindPipeError } from '../../core/errors.js';
import { buildGraph } from '../../core/graph/builder.js';
import { pluginTable } from '../../core/plugin-table.js';
import type { Plugin, Services } from '../../core/stage/plugin.js';
import { createContainer } from '../container.js';
import { parsePipeline } from '../load.js';
import { kindRecipe } from './kind-chain.js';

const container = createContainer();
const services: Services = { get: (token) => container.get(token) };
/** A stage the exporter does not know, to stand for any future plugin. */
const blur: Plugin = {
  role: 'stage',
  id: 'blur',
  description: 'test stage',
  options: {},
  example: '',
  inputs: [{ name: 'video', accepts: { kind: 'video' }, description: '' }],
  outputs: [{ name: 'video', produces: { kind: 'video' }, description: '' }],
  negotiate: (inputs) => ({ video: videoCaps(inputs.video) }),
  create: () => ({ process: async (inputs) => inputs }),
};
const plugins = new Map([...pluginTable(container), ['blur', blur]]);

/** The KinD chain between y4m ends (nothing to open); `edit` rewrites the text before parsing. */
function recipeOf(sets: string[] = [], edit: (text: string) => string = (t) => t) {
  const text = `
nodes:
  - { id: decode, plugin: source.y4m, options: { path: '-' } }
  - { id: norm, plugin: normalize, inputs: { video: decode }, options: { mode: temporal } }
  - { id: decom, plugin: kind.decom, inputs: { image: norm } }
  - { id: restore, plugin: kind.restore, inputs: { reflectance: decom.reflectance, illumination: decom.illumination } }
  - { id: illum, plugin: kind.illumination, inputs: { illumination: decom.illumination }, options: { ratio: 4 } }
  - id: fuse
    plugin: kind.fuse
    inputs: { image: norm, reflectance: decom.reflectance, illumination: decom.illumination, restored: restore, adjusted: illum }
  - { id: encode, plugin: sink.y4m, inputs: { video: fuse }, options: { path: '-' } }
`;
  return kindRecipe(buildGraph(parsePipeline(edit(text), 'chain.yaml', sets), plugins, services));
}

function refusal(t: import('ava').ExecutionContext, run: () => unknown, pattern: RegExp): void {
  const error = t.throws(run);
  t.true(KindPipeError.is(error, 'config'), String(error));
  t.regex(error!.message, pattern);
  t.regex(error!.message, /supports exactly source → normalize → kind\.decom → kind\.restore \+ kind\.illumination → kind\.fuse → sink/);
}

test('kindRecipe when the pipeline is the KinD chain should read model, ratio and fusion off its nodes', (t) => {
  const recipe = recipeOf(['fuse.mode=product', 'decom.model=kind-lite', 'restore.model=kind-lite', 'illum.model=kind-lite']);
  t.like(recipe, { model: 'kind-lite', normalize: 'minmax', illumination: { mode: 'ratio', ratio: 4 }, fusion: 'product' });
  t.is(recipe.differences.length, 1);
  t.regex(recipe.differences[0], /node 'norm' \(normalize mode: temporal\) is exported as per-frame minmax/);
  // sigma applies to the official fusion only (#21: the builder refuses it beside mode: product).
  t.like(recipeOf(['fuse.mode=official', 'fuse.sigma=2']), { fusion: 'official', sigma: 2 });
});

test('kindRecipe when illumination is learned should name the exposure net the node picks', (t) => {
  t.deepEqual(recipeOf(['illum.mode=learned', 'illum.compensation=1.5']).illumination, { mode: 'learned', compensation: 1.5, net: 'exposure' });
  t.deepEqual(recipeOf(['illum.mode=learned', 'illum.exposureNet=night']).illumination, { mode: 'learned', compensation: 1, net: 'exposure-night' });
});

test('kindRecipe when illumination is auto should keep the target and say the smoothing is dropped', (t) => {
  const recipe = recipeOf(['illum.mode=auto', 'illum.target=0.4', 'norm.mode=none']);
  t.deepEqual(recipe.illumination, { mode: 'auto', target: 0.4 });
  t.is(recipe.normalize, 'none');
  t.deepEqual(recipe.differences.length, 1);
  t.regex(recipe.differences[0], /node 'illum' \(mode: auto\).*smoothing over time is dropped/);
});

test('kindRecipe when a stage outside the chain sits between source and sink should refuse it by name', (t) => {
  const extra = (text: string) => text.replace("inputs: { video: decode }, options: { mode: temporal }", 'inputs: { video: soften }').replace('  - { id: norm', '  - { id: soften, plugin: blur, inputs: { video: decode } }\n  - { id: norm');
  refusal(t, () => recipeOf([], extra), /node 'soften' \(blur\) cannot be part of an exported graph/);
});

test('kindRecipe when the video mode\'s kind.regions stands for Decom + Restoration should refuse it saying what a single-frame graph cannot do and what to export (#16)', (t) => {
  const regions = (text: string) => text
    .replace(/ {2}- \{ id: decom,.*\n/, '  - { id: decom, plugin: kind.regions, inputs: { image: norm } }\n')
    .replace(/ {2}- \{ id: restore,.*\n/, '')
    .replace('restored: restore,', 'restored: decom.restored,');
  refusal(t, () => recipeOf([], regions), /node 'decom' \(kind\.regions\) keeps the enhanced maps of earlier frames.*single-frame graph has no earlier frames.*Fix: export the per-frame pipeline \(pipelines\/cctv-night\.yaml/);
});

test('kindRecipe when the networks name different models should refuse and show the --set that fixes it', (t) => {
  refusal(t, () => recipeOf(['restore.model=kind-lite']), /node 'restore' uses model 'kind-lite' but 'decom' uses 'kind'\. Fix: --set decom\.model=kind --set restore\.model=kind --set illum\.model=kind/);
});

test('kindRecipe when a port is wired elsewhere than in the chain should refuse naming node and port', (t) => {
  const rewired = (text: string) => text.replace('{ reflectance: decom.reflectance, illumination: decom.illumination } }', '{ reflectance: decom.reflectance, illumination: illum } }');
  refusal(t, () => recipeOf([], rewired), /node 'restore' \(kind\.restore\) takes 'illumination' from 'illum\.adjusted', where the chain has kind\.decom\.illumination/);
});

test('kindRecipe when a network of the chain is missing should say which', (t) => {
  const withoutIllum = (text: string) => text.replace(/ {2}- \{ id: illum,.*\n/, '').replace('adjusted: illum', 'adjusted: decom.illumination');
  refusal(t, () => recipeOf([], withoutIllum), /the pipeline has no kind\.illumination node/);
});

test('kindRecipe leaves temporal.denoise out of the one-frame graph and says what that loses (#16)', (t) => {
  const recipe = recipeOf([], (text) => text.replace("  - { id: norm, plugin: normalize, inputs: { video: decode }", "  - { id: still, plugin: temporal.denoise, inputs: { video: decode } }\n  - { id: norm, plugin: normalize, inputs: { video: still }"));
  t.like(recipe, { normalize: 'minmax' });
  t.regex(recipe.differences[0], /node 'still' \(temporal\.denoise\) is left out: it averages each pixel over up to 24 earlier frames, and a single-frame graph has no past/);
});
