/**
 * The conformance sweep (issue #21, GStreamer's tests/check/elements/videofilter.c): every
 * built-in stage, over every caps its input ports accept (video rgb24 and f32 tensors, of fixed
 * size and, where the port allows it, of varying size), at 1×1, 385×289 and a very wide 4000×3,
 * with its default options plus the ones it requires. Each negotiates, starts and processes two
 * frames; every output must be what negotiate said (kind, size, channels, element type, length),
 * with the input's index and finite values. A size a stage cannot take must be refused with a
 * KindPipeError that names the limit, never with a crash or a wrong frame.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { describeCaps, type Caps, type CapsPattern } from '../core/caps.js';
import { KindPipeError } from '../core/errors.js';
import type { Frame, FrameSet } from '../core/frame.js';
import { silentLogger } from '../core/logger.js';
import { resolveOptions } from '../core/options.js';
import { pluginTable } from '../core/plugin-table.js';
import type { StagePlugin } from '../core/stage/plugin.js';
import { createContainer } from '../pipeline/container.js';
import { requiring } from './requiring.js';

const container = createContainer();
const services = { get: <T>(token: symbol): T => container.get<T>(token) };
const stages = [...pluginTable(container).values()].filter((p): p is StagePlugin => p.role === 'stage');

/**
 * Options a stage needs beyond its defaults, one run per entry; a stage not listed runs once with
 * its defaults. model.image runs each shipped image model with the contract its pipelines state.
 */
const optionSets: Record<string, Record<string, unknown>[]> = {
  'model.image': [{ model: 'kind-fast', layout: 'NHWC', range: '0..255', dtype: 'uint8', global: 'whole' }, { model: 'sr-x2', scale: 2 }],
  'ffmpeg.filter': [{ graph: 'eq=gamma=1.2' }],
};
/** Stages that run an external tool: their sweep needs it installed. */
const tools: Record<string, string> = { 'ffmpeg.filter': 'ffmpeg' };
const sizes = [
  [1, 1],
  [385, 289],
  [4000, 3],
] as const;

function installed(tool: string): boolean {
  try {
    execFileSync(tool, ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The caps a port pattern accepts at this size; `fixed: false` is a stream of varying size (width/height null). */
function capsFor(pattern: CapsPattern, width: number, height: number, fixed: boolean, channels: number): Caps {
  const stream = { fps: 10, frameCount: 2, origin: 'conformance' };
  const size = fixed ? { width, height } : { width: null, height: null };
  return pattern.kind === 'video' ? { kind: 'video', format: 'rgb24', ...size, stream } : { kind: 'tensor', dtype: 'f32', channels, ...size, stream };
}

/** Deterministic noise: bytes for video, values in [0, 1] for tensors. */
function frameFor(caps: Caps, width: number, height: number, index: number, seed: number): Frame {
  const channels = caps.kind === 'video' ? 3 : caps.channels;
  const length = width * height * channels;
  let state = (seed * 7919 + index * 104729 + 1) >>> 0;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const data = caps.kind === 'video' ? Uint8Array.from({ length }, () => Math.floor(next() * 256)) : Float32Array.from({ length }, next);
  return { index, pts: index / 10, width, height, channels, data };
}

/** Why `frame` is not what `caps` promised for an input of `width`×`height`, or undefined. */
function problem(frame: Frame | undefined, caps: Caps, index: number): string | undefined {
  if (!frame) return 'no frame';
  const channels = caps.kind === 'video' ? 3 : caps.channels;
  const got = `${frame.width}×${frame.height}×${frame.channels} ${frame.data instanceof Float32Array ? 'f32' : 'u8'} (${frame.data.length} values)`;
  if (frame.index !== index) return `index ${frame.index} for input ${index}`;
  if ((caps.width !== null && frame.width !== caps.width) || (caps.height !== null && frame.height !== caps.height)) return `${got}, negotiated ${describeCaps(caps)}`;
  if (frame.channels !== channels || frame.data.length !== frame.width * frame.height * channels) return `${got}, negotiated ${channels} channels`;
  if (caps.kind === 'video' ? !(frame.data instanceof Uint8Array) : !(frame.data instanceof Float32Array)) return `${got}, negotiated ${describeCaps(caps)}`;
  if (frame.data instanceof Float32Array && !frame.data.every(Number.isFinite)) return `${got} has values that are NaN or infinite`;
  return undefined;
}

/** Runs one stage over one input caps at one size, as the scheduler does: negotiate, create, start, two frames. */
async function sweep(plugin: StagePlugin, raw: Record<string, unknown>, fixed: boolean, width: number, height: number): Promise<string[]> {
  const { options, problems } = resolveOptions(plugin.options, raw);
  if (problems.length > 0) throw new Error(`options: ${problems.map((p) => p.message).join('; ')}`);
  const inputs: Record<string, Caps> = {};
  for (const port of plugin.inputs) inputs[port.name] = capsFor(port.accepts, width, height, fixed, port.accepts.channels ?? 3);
  const outputs = plugin.negotiate(inputs, options);
  const abort = new AbortController();
  const stage = plugin.create({ nodeId: 'under-test', options, log: silentLogger, signal: abort.signal, get: services.get });
  const found: string[] = [];
  try {
    await stage.start?.(inputs);
    for (const index of [0, 1]) {
      const frames: FrameSet = {};
      plugin.inputs.forEach((port, seed) => (frames[port.name] = frameFor(inputs[port.name], width, height, index, seed)));
      const result = await stage.process(frames);
      for (const port of plugin.outputs) {
        const wrong = problem(result[port.name], outputs[port.name], index);
        if (wrong) found.push(`frame ${index} '${port.name}': ${wrong}`);
      }
    }
  } finally {
    abort.abort();
    await stage.dispose?.();
  }
  return found;
}

test('the conformance sweep covers every built-in stage (issue #21)', (t) => {
  t.true(stages.length >= 9, `found ${stages.map((s) => s.id).join(', ')}`);
  for (const plugin of stages) t.true(plugin.inputs.every((p) => p.accepts.kind === 'video' || p.accepts.kind === 'tensor'), plugin.id);
});

for (const plugin of stages) {
  const tool = tools[plugin.id];
  const register = requiring(!tool || installed(tool), `${tool} is not installed`, `apt-get install ${tool}`, { serial: true });
  const variants = plugin.inputs.every((p) => !p.accepts.fixedSize) ? [true, false] : [true];
  for (const raw of optionSets[plugin.id] ?? [{}]) {
    const named = Object.keys(raw).length ? ` (${Object.entries(raw).map(([k, v]) => `${k}: ${v}`).join(', ')})` : '';
    for (const fixed of variants) {
      for (const [width, height] of sizes) {
        const caps = plugin.inputs.map((p) => describeCaps(capsFor(p.accepts, width, height, fixed, p.accepts.channels ?? 3))).join(' + ');
        register(`${plugin.id}${named} over ${caps}${fixed ? '' : ` (frames ${width}×${height})`} gives what it negotiated, or refuses the size by name (issue #21)`, async (t) => {
          try {
            t.deepEqual(await sweep(plugin, raw, fixed, width, height), []);
          } catch (error) {
            t.true(KindPipeError.is(error), `not a KindPipeError: ${error instanceof Error ? error.stack : String(error)}`);
            t.regex((error as Error).message, /\d+×\d+|at least|at most|multiple of/, 'a refusal names the size limit');
            t.log(`refused: ${(error as Error).message}`);
          }
        });
      }
    }
  }
}
