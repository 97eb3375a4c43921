import { describeCaps, type Caps } from '../../core/caps.js';
import { KindPipeError, type ErrorOrigin } from '../../core/errors.js';
import type { Frame, FrameSet } from '../../core/frame.js';
import type { Stage, StageContext, StagePlugin } from '../../core/stage/plugin.js';

/**
 * Wraps a stage from an external plugin: its errors name the plugin, and every frame it returns
 * must match the caps it negotiated (size, channels, element type and byte count), so a plugin
 * that returns a frame of the wrong size fails the run at that frame instead of corrupting it.
 * With `deadlineS` (inline plugins: the manifest's `timeout`), a process() that never returns
 * fails the run naming the plugin and the frame, instead of holding it forever (#17).
 */
export class GuardedStage implements Stage {
  private outputCaps: Record<string, Caps> = {};

  constructor(
    private readonly inner: Stage,
    private readonly plugin: StagePlugin,
    private readonly owner: string,
    private readonly ctx: StageContext,
    private readonly deadlineS?: number,
  ) {}

  private get who(): string {
    return `plugin '${this.owner}' (node '${this.ctx.nodeId}', stage '${this.plugin.id}')`;
  }

  /** What `who` names, as data: an error with it is not named again by a wrapper. */
  private origin(frame?: number): ErrorOrigin {
    return { plugin: this.owner, node: this.ctx.nodeId, stage: this.plugin.id, ...(frame !== undefined && { frame }) };
  }

  async start(caps: Record<string, Caps>): Promise<void> {
    this.outputCaps = this.plugin.negotiate(caps, this.ctx.options);
    try {
      await this.inner.start?.(caps);
    } catch (error) {
      throw this.named(error, 'failed while starting');
    }
  }

  async process(inputs: FrameSet): Promise<FrameSet> {
    const index = Object.values(inputs)[0]?.index;
    let outputs: FrameSet;
    let timer: NodeJS.Timeout | undefined;
    try {
      const work = this.inner.process(inputs);
      outputs = this.deadlineS === undefined ? await work : await Promise.race([work, new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new KindPipeError('plugin', `${this.who} did not return frame ${index} within ${this.deadlineS} s (hung). Fix: look at the plugin's process(), or raise its timeout (kindPipe.timeout, or timeout: in the pipeline's plugins entry)`, { origin: this.origin(index) })), this.deadlineS! * 1000);
      })]);
    } catch (error) {
      throw this.named(error, `failed on frame ${index}`, index);
    } finally {
      clearTimeout(timer);
    }
    for (const [port, caps] of Object.entries(this.outputCaps)) {
      const frame = outputs?.[port];
      if (!frame) throw new KindPipeError('accounting', `${this.who} returned no '${port}' output for frame ${index}`, { origin: this.origin(index) });
      const problem = mismatch(frame, caps);
      if (problem) throw new KindPipeError('plugin', `${this.who} returned a wrong frame ${frame.index} on '${port}': ${problem}`, { origin: this.origin(index) });
    }
    return outputs;
  }

  async dispose(): Promise<void> {
    await this.inner.dispose?.();
  }

  private named(error: unknown, what: string, frame?: number): KindPipeError {
    if (KindPipeError.namesPlugin(error)) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new KindPipeError(KindPipeError.is(error) ? error.kind : 'plugin', `${this.who} ${what}: ${message}`, { cause: error, origin: this.origin(frame) });
  }
}

function mismatch(frame: Frame, caps: Caps): string | undefined {
  const channels = caps.kind === 'video' ? 3 : caps.channels;
  const float = caps.kind === 'tensor';
  const expected = `${caps.width ?? frame.width}×${caps.height ?? frame.height}×${channels} ${float ? 'float32' : 'bytes'}`;
  const got = `${frame.width}×${frame.height}×${frame.channels} ${frame.data instanceof Float32Array ? 'float32' : 'bytes'}, ${frame.data?.length} values`;
  const wrongSize = (caps.width !== null && frame.width !== caps.width) || (caps.height !== null && frame.height !== caps.height);
  const wrongType = float ? !(frame.data instanceof Float32Array) : !(frame.data instanceof Uint8Array);
  const wrongLength = frame.data?.length !== frame.width * frame.height * channels;
  if (wrongSize || wrongType || frame.channels !== channels || wrongLength) return `it is ${got}, but the stage negotiated ${describeCaps(caps)} (${expected})`;
  return undefined;
}

/** The same plugin, each stage it creates wrapped in a GuardedStage. */
export function guardedPlugin(plugin: StagePlugin, owner: string, create: StagePlugin['create'] = plugin.create.bind(plugin), deadlineS?: number): StagePlugin {
  return { ...plugin, create: (ctx) => new GuardedStage(create(ctx), plugin, owner, ctx, deadlineS) };
}
