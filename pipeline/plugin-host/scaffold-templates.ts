/**
 * The files `kind-pipe plugin new NAME` writes: a TypeScript stage plugin that builds on its own
 * (its contract types are copied into src/kind-pipe.ts, so it needs nothing from kind-pipe to
 * compile) and runs as soon as a pipeline names its folder.
 */
export function scaffoldFiles(name: string, id: string): Record<string, string> {
  const prefix = id.split('.')[0];
  return {
    'package.json': JSON.stringify(
      {
        name,
        version: '0.1.0',
        private: true,
        type: 'module',
        main: 'dist/index.js',
        description: `${name}: a kind-pipe stage plugin`,
        scripts: { build: 'tsc -p .', test: 'tsc -p . && node --test dist/*.spec.js' },
        devDependencies: { typescript: '^5.9.3', '@types/node': '^20.19.0' },
        kindPipe: {
          // The stage's contract, readable without running its code; activation checks the code agrees.
          contributes: {
            stages: [
              {
                id,
                description: 'brightness gain through a lookup table (edit me)',
                inputs: [{ name: 'video', accepts: { kind: 'video' } }],
                outputs: [{ name: 'video', produces: { kind: 'video' } }],
                options: { gain: { type: 'number', description: 'factor applied to every value (1 = unchanged)', default: 1.5, min: 0, max: 16 } },
              },
            ],
          },
          activationEvents: [`onStage:${id}`],
          host: 'inline',
          policy: 'fail',
        },
      },
      null,
      2,
    ) + '\n',
    'tsconfig.json': JSON.stringify(
      {
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, outDir: 'dist', rootDir: 'src', types: ['node'], skipLibCheck: true },
        include: ['src'],
      },
      null,
      2,
    ) + '\n',
    'src/kind-pipe.ts': kindPipeTypes,
    'src/index.ts': `import type { PluginActivationContext } from './kind-pipe.js';
import { gain } from './gain.js';

/** Called on first use (a pipeline node with \`plugin: ${id}\`): register what package.json contributes. */
export function activate(ctx: PluginActivationContext): void {
  ctx.subscriptions.push(ctx.register(gain));
}

/** Called when kind-pipe is done with the plugin (within 5 s); subscriptions are disposed after it. */
export function deactivate(): void {}
`,
    'src/gain.ts': `/**
 * ${id} — multiplies every rgb24 value by \`gain\` through a 256-entry lookup table, so the
 * per-pixel loop is one table read. Replace the body of \`process\` with your own work.
 *
 * \`\`\`yaml
 * - id: brighten
 *   plugin: ${id}
 *   inputs: { video: decode }
 *   options: { gain: 1.5 }
 * \`\`\`
 */
import { defineStage } from './kind-pipe.js';

// defineStage types ctx.options from the schema below: ctx.options.gain is a number.
export const gain = defineStage({
  role: 'stage',
  id: '${id}',
  description: 'brightness gain through a lookup table',
  options: {
    gain: { type: 'number', description: 'factor applied to every value (1 = unchanged)', default: 1.5, min: 0, max: 16 },
  },
  inputs: [{ name: 'video', accepts: { kind: 'video' }, description: 'rgb24 frames' }],
  outputs: [{ name: 'video', produces: { kind: 'video' }, description: 'rgb24 frames of the same size' }],
  example: 'plugin: ${id}\\ninputs: { video: decode }\\noptions: { gain: 1.5 }',
  // Output caps from input caps, before any frame flows: this stage keeps size and format.
  negotiate: (inputs) => ({ video: inputs.video }),
  create(ctx) {
    const table = new Uint8Array(256);
    for (let v = 0; v < 256; v++) table[v] = Math.min(255, Math.round(v * ctx.options.gain));
    return {
      async process(inputs) {
        const frame = inputs.video;
        const input = frame.data as Uint8Array;
        const output = new Uint8Array(input.length);
        for (let i = 0; i < input.length; i++) output[i] = table[input[i]];
        return { video: { ...frame, data: output } };
      },
    };
  },
});
`,
    'src/gain.spec.ts': `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gain } from './gain.js';

const ctx = (options: { gain: number }) => ({ nodeId: 'n', options, log: { info() {}, warn() {}, debug() {} }, signal: new AbortController().signal, get: () => undefined as never });
const frame = (data: number[]) => ({ index: 4, pts: 0.16, width: 1, height: 1, channels: 3, data: new Uint8Array(data) });

test('${id} multiplies every value and saturates at 255', async () => {
  const out = await gain.create(ctx({ gain: 2 })).process({ video: frame([10, 100, 200]) });
  assert.deepEqual([...out.video.data], [20, 200, 255]);
});

test('${id} keeps index, pts and size (frame accounting)', async () => {
  const out = (await gain.create(ctx({ gain: 1 })).process({ video: frame([1, 2, 3]) })).video;
  assert.deepEqual([out.index, out.pts, out.width, out.height], [4, 0.16, 1, 1]);
});
`,
    'README.md': `# ${name}

A kind-pipe stage plugin: \`${id}\` (brightness gain through a lookup table). Made by
\`kind-pipe plugin new ${name}\`; edit \`src/gain.ts\`, rebuild, run.

## Use it

\`\`\`yaml
version: 1
plugins:
  - ./${name}                      # this folder, relative to the pipeline file
  # - { from: ./${name}, host: isolated, policy: restart, timeout: 5 }   # in its own process
nodes:
  - { id: decode, plugin: source.file, options: { path: night.mp4 } }
  - { id: brighten, plugin: ${id}, inputs: { video: decode }, options: { gain: 1.5 } }
  - { id: encode, plugin: sink.file, inputs: { video: brighten }, options: { path: out.mp4 } }
\`\`\`

\`kind-pipe plugins --pipeline that.yaml\` lists it; \`kind-pipe run that.yaml\` activates it on first use.

## Build and test

\`\`\`sh
npm install        # typescript and @types/node, for building only
npm run build      # src/*.ts → dist/*.js (package.json "main" points at dist/index.js)
npm test           # node --test over the compiled specs
\`\`\`

\`kind-pipe plugin new\` already wrote \`dist/\` once, so the plugin runs before you build it.

## Files

- \`package.json\` — the \`kindPipe\` manifest: what the plugin contributes (\`${prefix}.*\` ids),
  when it activates, \`host: inline | isolated\` and \`policy: fail | restart\`.
- \`src/index.ts\` — \`activate(ctx)\` registers the stage; \`deactivate()\`.
- \`src/gain.ts\` — the stage: contract (caps, options with type/range/default), \`negotiate\`, \`process\`.
- \`src/gain.spec.ts\` — its spec.
- \`src/kind-pipe.ts\` — the contract types, copied from kind-pipe so that this package builds alone.

See kind-pipe's docs/plugins.md for the whole story (isolation, crash policies, frame accounting).
`,
  };
}

const kindPipeTypes = `/** kind-pipe's plugin contract (core/stage/plugin.ts and friends), copied so this package builds alone. */
export interface StreamInfo { fps: number; frameCount?: number; audioFrom?: string; origin: string }
export interface VideoCaps { kind: 'video'; format: 'rgb24'; width: number | null; height: number | null; stream: StreamInfo }
export interface TensorCaps { kind: 'tensor'; dtype: 'f32'; channels: number; width: number | null; height: number | null; stream: StreamInfo }
export type Caps = VideoCaps | TensorCaps;
export interface CapsPattern { kind: 'video' | 'tensor'; channels?: number; fixedSize?: boolean }

/** rgb24 HWC bytes (video) or float32 CHW (tensor); \`index\` must come out as it went in. */
export interface Frame { index: number; pts: number; width: number; height: number; channels: number; data: Uint8Array | Float32Array; meta?: Readonly<Record<string, unknown>> }
export type FrameSet = Record<string, Frame>;

export type OptionSpec =
  | { type: 'number' | 'integer'; description: string; default?: number; min?: number; max?: number }
  | { type: 'string'; description: string; default?: string; enum?: readonly string[] }
  | { type: 'path'; description: string; default?: string }
  | { type: 'boolean'; description: string; default?: boolean };
export type Options = Record<string, number | string | boolean>;
export type OptionsSchema = Readonly<Record<string, OptionSpec>>;
/** What an option holds when the stage sees it: kind-pipe has converted \`--set\` strings already. */
type ValueOf<P> = P extends { type: 'number' | 'integer' } ? number : P extends { type: 'boolean' } ? boolean : P extends { enum: readonly (infer E)[] } ? E : string;
export type OptionsOf<S extends OptionsSchema> = { -readonly [K in keyof S]: ValueOf<S[K]> };

export interface Logger { info(message: string): void; warn(message: string): void; debug(message: string): void }
export interface Disposable { dispose(): void | Promise<void> }

export interface StageContext<O = Options> { nodeId: string; options: O; log: Logger; signal: AbortSignal; get<T>(token: symbol): T }
export interface Stage {
  start?(caps: Record<string, Caps>): Promise<void>;
  process(inputs: FrameSet): Promise<FrameSet>;
  dispose?(): void | Promise<void>;
}
export interface StagePlugin<S extends OptionsSchema = OptionsSchema> {
  role: 'stage';
  id: string;
  description: string;
  options: S;
  example: string;
  preferWorker?: boolean;
  inputs: readonly { name: string; accepts: CapsPattern; description: string }[];
  outputs: readonly { name: string; produces: CapsPattern; description: string }[];
  negotiate(inputs: Record<string, Caps>, options: OptionsOf<S>): Record<string, Caps>;
  create(ctx: StageContext<OptionsOf<S>>): Stage;
}

/** Declares a stage whose options are typed by its schema (\`ctx.options.gain\` is a number); returns it as is. */
export function defineStage<const S extends OptionsSchema>(plugin: StagePlugin<S>): StagePlugin<S> {
  return plugin;
}

export interface PluginActivationContext {
  readonly subscriptions: Disposable[];
  register(plugin: StagePlugin): Disposable;
  readonly log: Logger;
  readonly pluginPath: string;
}
`;
