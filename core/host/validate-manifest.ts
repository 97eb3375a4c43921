import { closest, type OptionSpec, type OptionsSchema } from '../options.js';
import type { CapsPattern } from '../caps.js';
import { contributionKinds, type Contribution, type ContributionKind, type PluginManifest } from './manifest.js';

const manifestKeys = ['main', 'contributes', 'activationEvents', 'host', 'policy', 'timeout'] as const;
const eventPrefix: Record<string, ContributionKind> = { onStage: 'stages', onSource: 'sources', onSink: 'sinks', onModel: 'models' };
const idPattern = /^[a-z0-9][\w-]*(\.[\w-]+)*$/i;

/**
 * Checks a package.json (already parsed) and returns its manifest, or every problem found, each
 * naming the plugin and the field: `acme-crop: kindPipe.host: 'isolate' is not allowed; did you mean 'isolated'?`.
 */
export function validateManifest(packageJson: unknown, where: string): { manifest: PluginManifest } | { problems: string[] } {
  if (!isRecord(packageJson)) return { problems: [`${where}: package.json is not a JSON object`] };
  const name = typeof packageJson.name === 'string' && packageJson.name !== '' ? packageJson.name : undefined;
  const who = name ?? where;
  const problems: string[] = [];
  const say = (field: string, message: string) => problems.push(`${who}: ${field}: ${message}`);
  if (!name) say('name', `package.json needs a "name" (how kind-pipe names the plugin in messages) (${where})`);
  const raw = packageJson.kindPipe;
  if (!isRecord(raw)) return { problems: [`${who}: kindPipe: missing or not an object. Fix: add "kindPipe": { "contributes": { "stages": ["${name ?? 'my'}.stage"] } } (${where})`] };
  if (packageJson.type !== 'module') say('type', `must be "module": plugins are ES modules. Fix: add "type": "module"`);

  for (const key of Object.keys(raw)) {
    if (!(manifestKeys as readonly string[]).includes(key)) {
      const guess = closest(key, manifestKeys);
      say(`kindPipe.${key}`, `unknown field${guess ? `; did you mean '${guess}'?` : ''} Allowed: ${manifestKeys.join(', ')}`);
    }
  }

  const contributes = {} as Record<ContributionKind, Contribution[]>;
  for (const kind of contributionKinds) contributes[kind] = [];
  if (!isRecord(raw.contributes)) say('kindPipe.contributes', 'must be an object such as { "stages": ["acme.crop"] }');
  else {
    for (const [kind, list] of Object.entries(raw.contributes)) {
      const field = `kindPipe.contributes.${kind}`;
      if (!(contributionKinds as readonly string[]).includes(kind)) {
        const guess = closest(kind, contributionKinds);
        say(field, `unknown kind${guess ? `; did you mean '${guess}'?` : ''} Allowed: ${contributionKinds.join(', ')}`);
        continue;
      }
      if (!Array.isArray(list)) {
        say(field, 'must be a list of ids, e.g. ["acme.crop"]');
        continue;
      }
      list.forEach((entry: unknown, i: number) => {
        const item = typeof entry === 'string' ? { id: entry } : isRecord(entry) ? entry : undefined;
        if (!item || typeof item.id !== 'string' || !idPattern.test(item.id)) {
          say(`${field}[${i}]`, `must be an id such as "acme.crop" (letters, digits, '-', '_', dots), or { "id": …, "description": … }; got ${JSON.stringify(entry)}`);
          return;
        }
        if (item.description !== undefined && typeof item.description !== 'string') say(`${field}[${i}].description`, 'must be a string');
        const contract = parseContract(item, `${field}[${i}]`, say);
        contributes[kind as ContributionKind].push({ id: item.id, description: typeof item.description === 'string' ? item.description : undefined, ...contract });
      });
    }
    const all = contributionKinds.flatMap((k) => contributes[k].map((c) => c.id));
    if (all.length === 0) say('kindPipe.contributes', 'contributes nothing. Fix: list at least one stage, source, sink or model');
    const twice = all.filter((id, i) => all.indexOf(id) !== i);
    if (twice.length > 0) say('kindPipe.contributes', `lists ${[...new Set(twice)].join(', ')} more than once`);
  }

  const contributed = (kind: ContributionKind) => contributes[kind].map((c) => c.id);
  let activationEvents: string[] = [];
  if (raw.activationEvents === undefined) {
    activationEvents = [
      ...contributed('stages').map((id) => `onStage:${id}`),
      ...contributed('sources').map((id) => `onSource:${id}`),
      ...contributed('sinks').map((id) => `onSink:${id}`),
    ];
  } else if (!Array.isArray(raw.activationEvents)) say('kindPipe.activationEvents', 'must be a list such as ["onStage:acme.crop"]');
  else {
    raw.activationEvents.forEach((event: unknown, i: number) => {
      const field = `kindPipe.activationEvents[${i}]`;
      if (event === '*') return void activationEvents.push(event);
      const [prefix, id] = typeof event === 'string' ? event.split(':', 2) : [];
      const kind = prefix === undefined ? undefined : eventPrefix[prefix];
      if (!kind || !id) {
        say(field, `${JSON.stringify(event)} is not an activation event. Use onStage:ID, onSource:ID, onSink:ID or "*"`);
        return;
      }
      if (!contributed(kind).includes(id)) say(field, `'${event}' names '${id}', which kindPipe.contributes.${kind} does not list`);
      activationEvents.push(event as string);
    });
  }

  const host = raw.host ?? 'inline';
  if (host !== 'inline' && host !== 'isolated') say('kindPipe.host', `${JSON.stringify(host)} is not allowed${typeof host === 'string' && closest(host, ['inline', 'isolated']) ? `; did you mean '${closest(host, ['inline', 'isolated'])}'?` : ''} Allowed: inline | isolated`);
  const policy = raw.policy ?? 'fail';
  if (policy !== 'fail' && policy !== 'restart') say('kindPipe.policy', `${JSON.stringify(policy)} is not allowed. Allowed: fail | restart`);
  const timeout = raw.timeout ?? 10;
  if (typeof timeout !== 'number' || !(timeout > 0 && timeout <= 600)) say('kindPipe.timeout', `must be seconds in (0, 600], got ${JSON.stringify(timeout)}`);
  const main = raw.main ?? packageJson.main ?? 'index.js';
  if (typeof main !== 'string' || !/\.(m?js)$/.test(main)) say('kindPipe.main', `must name an ES module file (.js or .mjs), got ${JSON.stringify(main)}. TypeScript plugins point at their compiled output`);

  if (problems.length > 0) return { problems };
  return {
    manifest: {
      name: name!,
      version: typeof packageJson.version === 'string' ? packageJson.version : undefined,
      description: typeof packageJson.description === 'string' ? packageJson.description : undefined,
      main: main as string,
      contributes,
      activationEvents,
      host: host as PluginManifest['host'],
      policy: policy as PluginManifest['policy'],
      timeout: timeout as number,
    },
  };
}

/** Whether a node using `pluginId` fires one of the manifest's activation events. */
export function activatesOn(manifest: PluginManifest, pluginId: string): boolean {
  return manifest.activationEvents.some((event) => event === '*' || event.slice(event.indexOf(':') + 1) === pluginId);
}

const optionTypes = ['number', 'integer', 'string', 'path', 'boolean'] as const;

/** The optional declared contract of one contribution: `inputs`, `outputs`, `options`. */
function parseContract(item: Record<string, unknown>, field: string, say: (field: string, message: string) => void): Pick<Contribution, 'inputs' | 'outputs' | 'options'> {
  const contract: Pick<Contribution, 'inputs' | 'outputs' | 'options'> = {};
  const ports = (key: 'inputs' | 'outputs', capsKey: 'accepts' | 'produces') => {
    const list = item[key];
    if (list === undefined) return undefined;
    if (!Array.isArray(list)) {
      say(`${field}.${key}`, `must be a list such as [{ "name": "video", "${capsKey}": { "kind": "video" } }]`);
      return undefined;
    }
    const parsed: { name: string; caps: CapsPattern }[] = [];
    list.forEach((port: unknown, j: number) => {
      const caps = isRecord(port) ? port[capsKey] : undefined;
      if (!isRecord(port) || typeof port.name !== 'string' || !isRecord(caps) || (caps.kind !== 'video' && caps.kind !== 'tensor')) {
        say(`${field}.${key}[${j}]`, `must be { "name": …, "${capsKey}": { "kind": "video" | "tensor", "channels"?: N } }; got ${JSON.stringify(port)}`);
        return;
      }
      if (caps.channels !== undefined && !(Number.isInteger(caps.channels) && (caps.channels as number) > 0)) say(`${field}.${key}[${j}].${capsKey}.channels`, 'must be a positive integer');
      parsed.push({ name: port.name, caps: { kind: caps.kind, ...(caps.channels === undefined ? {} : { channels: caps.channels as number }) } });
    });
    return parsed;
  };
  const inputs = ports('inputs', 'accepts');
  if (inputs) contract.inputs = inputs.map((p) => ({ name: p.name, accepts: p.caps }));
  const outputs = ports('outputs', 'produces');
  if (outputs) contract.outputs = outputs.map((p) => ({ name: p.name, produces: p.caps }));
  if (item.options !== undefined) {
    if (!isRecord(item.options)) say(`${field}.options`, 'must map option names to schemas such as { "type": "number", "description": …, "default": 1, "min": 0 }');
    else {
      const options: Record<string, OptionSpec> = {};
      for (const [name, spec] of Object.entries(item.options)) {
        const where = `${field}.options.${name}`;
        if (!isRecord(spec) || !(optionTypes as readonly string[]).includes(spec.type as string)) {
          say(where, `needs "type": one of ${optionTypes.join(' | ')}`);
          continue;
        }
        if (typeof spec.description !== 'string') say(`${where}.description`, 'must be a string saying what the option does');
        const numeric = spec.type === 'number' || spec.type === 'integer';
        const valueType = numeric ? 'number' : spec.type === 'boolean' ? 'boolean' : 'string';
        if (spec.default !== undefined && typeof spec.default !== valueType) say(`${where}.default`, `must be a ${valueType} like its type`);
        for (const bound of ['min', 'max'] as const) if (spec[bound] !== undefined && (!numeric || typeof spec[bound] !== 'number')) say(`${where}.${bound}`, 'only numbers have a range');
        if (spec.enum !== undefined && (spec.type !== 'string' || !Array.isArray(spec.enum) || !spec.enum.every((v) => typeof v === 'string'))) say(`${where}.enum`, 'only a string option has an enum, a list of strings');
        options[name] = spec as unknown as OptionSpec;
      }
      contract.options = options as OptionsSchema;
    }
  }
  return contract;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
