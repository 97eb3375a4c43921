import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { KindPipeError } from '../core/errors.js';
import type { ImageModelContract, ModelEntry, ModelRegistry, ModelRuntime, ModelSession, NetworkEntry, RuntimeOptions } from '../core/model.js';
import { closest } from '../core/options.js';
import { projectRoot } from './paths.js';

interface ManifestNetwork {
  file: string;
  sha256: string;
  params: number;
  inputs: { name: string }[];
  outputs: { name: string }[];
  trained: boolean;
  steps?: number;
  minutes?: number;
  data?: string | null;
  /** Image models run by model.image say how they take frames; KinD's networks have no contract. */
  task?: string;
  description?: string;
  license?: string;
  contract?: Partial<ImageModelContract>;
}

const modelsRoot = join(projectRoot, 'models');

const descriptions: Record<string, string> = {
  kind: 'KinD (Zhang, Zhang, Guo 2019): Decom + Restoration (7.76 M params) + Illumination adjustment, with a learned exposure',
  'kind-lite': 'KinD with a half-width Restoration net (1.94 M params): faster, slightly softer',
};

const defaultContract: ImageModelContract = { layout: 'NCHW', range: '0..1', order: 'rgb', dtype: 'float32', multiple: 1, scale: 1, global: 'none' };

/** The frozen table of models shipped with kind-pipe, read from every models/<folder>/weights/manifest.json. */
export function loadModelTable(root = modelsRoot): ReadonlyMap<string, ModelEntry> {
  const table = new Map<string, ModelEntry>();
  const folders = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'weights', 'manifest.json')))
    .map((d) => d.name)
    .sort((a, b) => (a === 'kind' ? -1 : b === 'kind' ? 1 : a.localeCompare(b)));
  for (const folder of folders) addManifest(table, join(root, folder, 'weights'));
  return table;
}

function addManifest(table: Map<string, ModelEntry>, weights: string): void {
  const manifestFile = join(weights, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
    models: Record<string, Record<string, ManifestNetwork>>;
  };
  for (const [id, roles] of Object.entries(manifest.models)) {
    if (table.has(id)) throw new KindPipeError('model', `${manifestFile}: model id '${id}' is already registered by another manifest. Fix: rename one of them`);
    const networks: Record<string, NetworkEntry> = {};
    for (const [role, net] of Object.entries(roles)) {
      networks[role] = Object.freeze({
        role,
        file: join(weights, net.file),
        sha256: net.sha256,
        params: net.params,
        inputs: net.inputs.map((i) => i.name),
        outputs: net.outputs.map((o) => o.name),
        trained: net.trained,
        steps: net.steps ?? 0,
        minutes: net.minutes ?? 0,
        ...(net.contract ? { contract: Object.freeze({ ...defaultContract, ...net.contract }) } : {}),
      });
    }
    const first = Object.values(roles)[0];
    const dataNote = Object.values(roles).find((n) => n.data)?.data ?? 'nothing yet (random initialisation)';
    const folder = basename(dirname(weights));
    table.set(
      id,
      Object.freeze({
        id,
        task: first?.task ?? 'kind',
        description: first?.description ?? descriptions[id] ?? id,
        networks: Object.freeze(networks),
        trained: Object.values(networks).every((n) => n.trained),
        trainedOn: dataNote,
        license: first?.license ?? `weights trained by kind-pipe; see models/${folder}/MODEL_CARD.md for the training data licences`,
      }),
    );
  }
}

export class FileModelRegistry implements ModelRegistry {
  constructor(
    private readonly table: ReadonlyMap<string, ModelEntry>,
    private readonly runtime: ModelRuntime,
  ) {}

  ids(): string[] {
    return [...this.table.keys()];
  }

  get(id: string): ModelEntry {
    const entry = this.table.get(id);
    if (!entry) {
      const guess = closest(id, this.ids());
      throw new KindPipeError('model', `unknown model '${id}'${guess ? `; did you mean '${guess}'?` : ''} Known: ${this.ids().join(', ')}`);
    }
    return entry;
  }

  async open(id: string, role: string, options: RuntimeOptions): Promise<ModelSession> {
    const network = this.get(id).networks[role];
    if (!network) throw new KindPipeError('model', `model '${id}' has no '${role}' network (it has ${Object.keys(this.get(id).networks).join(', ')})`);
    let bytes: Buffer;
    try {
      bytes = readFileSync(network.file);
    } catch {
      throw new KindPipeError('model', `model '${id}': weights file ${network.file} is missing. Fix: restore it from git (git checkout -- ${network.file})`);
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== network.sha256) {
      throw new KindPipeError('model', `model '${id}': ${network.file} has sha256 ${sha256}, the registry expects ${network.sha256}. Fix: restore the file (git checkout -- ${network.file}) or re-export it with the scripts in ${join(dirname(dirname(network.file)), 'train')}`);
    }
    return this.runtime.load(bytes, `${id}/${role} (${network.file})`, options);
  }
}
