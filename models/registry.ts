import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KindPipeError } from '../core/errors.js';
import type { ModelEntry, ModelRegistry, ModelRuntime, ModelSession, NetworkEntry, RuntimeOptions } from '../core/model.js';
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
}

const kindWeights = join(projectRoot, 'models', 'kind', 'weights');

const descriptions: Record<string, string> = {
  kind: 'KinD (Zhang, Zhang, Guo 2019): Decom + Restoration (7.76 M params) + Illumination adjustment',
  'kind-lite': 'KinD with a half-width Restoration net (1.94 M params): faster, slightly softer',
};

/** The frozen table of models shipped with kind-pipe, read from models/<name>/weights/manifest.json. */
export function loadModelTable(): ReadonlyMap<string, ModelEntry> {
  const manifest = JSON.parse(readFileSync(join(kindWeights, 'manifest.json'), 'utf8')) as {
    models: Record<string, Record<string, ManifestNetwork>>;
  };
  const table = new Map<string, ModelEntry>();
  for (const [id, roles] of Object.entries(manifest.models)) {
    const networks: Record<string, NetworkEntry> = {};
    for (const [role, net] of Object.entries(roles)) {
      networks[role] = Object.freeze({
        role,
        file: join(kindWeights, net.file),
        sha256: net.sha256,
        params: net.params,
        inputs: net.inputs.map((i) => i.name),
        outputs: net.outputs.map((o) => o.name),
        trained: net.trained,
        steps: net.steps ?? 0,
        minutes: net.minutes ?? 0,
      });
    }
    const dataNote = Object.values(roles).find((n) => n.data)?.data ?? 'nothing yet (random initialisation)';
    table.set(
      id,
      Object.freeze({
        id,
        task: 'kind',
        description: descriptions[id] ?? id,
        networks: Object.freeze(networks),
        trained: Object.values(networks).every((n) => n.trained),
        trainedOn: dataNote,
        license: 'weights trained by kind-pipe; see models/kind/MODEL_CARD.md for the training data licences',
      }),
    );
  }
  return table;
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
      throw new KindPipeError('model', `model '${id}': ${network.file} has sha256 ${sha256}, the registry expects ${network.sha256}. Fix: restore the file or re-export with models/kind/train/export.py`);
    }
    return this.runtime.load(bytes, `${id}/${role} (${network.file})`, options);
  }
}
