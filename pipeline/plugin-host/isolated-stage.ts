import { describeCaps, type Caps } from '../../core/caps.js';
import { KindPipeError, type ErrorOrigin } from '../../core/errors.js';
import type { FrameSet } from '../../core/frame.js';
import { framesFromWire, framesToWire } from '../../core/host/frame-wire.js';
import type { Stage, StageContext } from '../../core/stage/plugin.js';
import type { DiscoveredPlugin } from './discovered-plugin.js';
import { PluginHostProcess } from './host-process.js';

/** Restarts allowed per node under `policy: restart` before the run fails anyway. */
export const maxRestarts = 3;
const instance = 1;

/** The host process died, or did not answer in time: what `policy: restart` recovers from. */
class HostFailure extends Error {}

/**
 * A stage whose plugin runs in its own process. Each request has a deadline (the plugin's
 * `timeout`); a crash or a hang fails the run naming the plugin and quoting its last stderr lines,
 * or, under `policy: restart`, restarts the process and retries the frame that failed. An error
 * the plugin throws is its answer, not a crash: it fails the run under either policy.
 */
export class IsolatedStage implements Stage {
  private host: PluginHostProcess | undefined;
  private caps: Record<string, Caps> | undefined;
  private restarts = 0;
  private seq = 0;

  constructor(
    private readonly plugin: DiscoveredPlugin,
    private readonly stageId: string,
    private readonly ctx: StageContext,
    private readonly takeSpare: () => PluginHostProcess | undefined,
    private readonly predict: (inputs: Record<string, Caps>) => Record<string, Caps>,
  ) {}

  private get who(): string {
    return `plugin '${this.plugin.manifest.name}' (node '${this.ctx.nodeId}', stage '${this.stageId}')`;
  }

  /** What `who` names, as data: an error with it is not named again by a wrapper. */
  private origin(frame?: number): ErrorOrigin {
    return { plugin: this.plugin.manifest.name, node: this.ctx.nodeId, stage: this.stageId, ...(frame !== undefined && { frame }) };
  }

  async start(caps: Record<string, Caps>): Promise<void> {
    this.caps = caps;
    await this.guard('starting', () => this.launch());
  }

  async process(inputs: FrameSet): Promise<FrameSet> {
    const index = Object.values(inputs)[0]?.index;
    for (;;) {
      try {
        return await this.processOnce(inputs);
      } catch (error) {
        if (!(error instanceof HostFailure)) throw this.named(error, `failed on frame ${index}`, index);
        if (this.plugin.manifest.policy !== 'restart' || this.restarts >= maxRestarts) {
          const after = this.restarts > 0 ? ` after ${this.restarts} restart${this.restarts > 1 ? 's' : ''}` : '';
          throw new KindPipeError('plugin', `${this.who} failed on frame ${index}${after}: ${error.message}.${this.stderr()}`, { origin: this.origin(index) });
        }
        this.restarts++;
        this.ctx.log.warn(`${this.who} failed on frame ${index}: ${error.message}; restarting it (${this.restarts} of ${maxRestarts}) and retrying frame ${index}`);
        await this.host?.kill();
        await this.guard('restarting', () => this.launch());
      }
    }
  }

  async dispose(): Promise<void> {
    await this.host?.stop();
  }

  private async launch(): Promise<void> {
    const m = this.plugin.manifest;
    this.host = this.takeSpare() ?? (await PluginHostProcess.start(m.name, this.ctx.log));
    const host = this.host;
    if (!host.activated) {
      const reply = await this.call(host.proxy.$activate({ entry: this.plugin.entry, folder: this.plugin.folder, manifest: m }));
      if (!reply.ok) throw new KindPipeError('plugin', `plugin '${m.name}' failed to activate: ${reply.cause}`, { origin: this.origin() });
      host.activated = true;
    }
    const negotiated = await this.call(host.proxy.$negotiate({ pluginId: this.stageId, inputs: this.caps!, options: this.ctx.options }));
    for (const [port, caps] of Object.entries(this.predict(this.caps!))) {
      const real = negotiated[port];
      if (!real || describeCaps(real) !== describeCaps(caps)) {
        throw new KindPipeError('caps', `${this.who} negotiates ${real ? describeCaps(real) : 'nothing'} on '${port}', but an isolated stage must keep its input's caps (${describeCaps(caps)}). Fix: host it inline`, { origin: this.origin() });
      }
    }
    await this.call(host.proxy.$createStage({ instance, pluginId: this.stageId, nodeId: this.ctx.nodeId, options: this.ctx.options }));
    await this.call(host.proxy.$start({ instance, caps: this.caps! }));
  }

  private async processOnce(inputs: FrameSet): Promise<FrameSet> {
    const host = this.host!;
    const seq = ++this.seq;
    const wire = framesToWire(inputs);
    const sent = host.frames.send(seq, wire.bodies);
    const headers = await this.call(sent.then(() => host.proxy.$process({ instance, seq, frames: wire.headers })));
    const bodies = await this.call(host.frames.receive(seq));
    return framesFromWire(headers, bodies);
  }

  /** A request to the host, raced against its exit and the deadline. */
  private async call<T>(request: Promise<T>): Promise<T> {
    const host = this.host!;
    const seconds = this.plugin.manifest.timeout;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new HostFailure(`did not answer within ${seconds} s (unresponsive); its host process ${host.label} was killed`)), seconds * 1000);
    });
    const crash = host.exited.then((exit) => {
      throw new HostFailure(`crashed: its host process ${host.label} ${exit.requested ? 'was stopped' : host.describeExit()}`);
    });
    try {
      return await Promise.race([request, deadline, crash]);
    } catch (error) {
      if (error instanceof HostFailure) await host.kill();
      else if (host.exit) throw new HostFailure(`crashed: its host process ${host.label} ${host.describeExit()}`);
      throw error;
    } finally {
      clearTimeout(timer);
      crash.catch(() => undefined);
      request.catch(() => undefined);
    }
  }

  private async guard(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (error instanceof HostFailure) throw new KindPipeError('plugin', `${this.who} failed while ${what}: ${error.message}.${this.stderr()}`, { origin: this.origin() });
      throw KindPipeError.namesPlugin(error) ? error : this.named(error, `failed while ${what}`);
    }
  }

  private named(error: unknown, what: string, frame?: number): KindPipeError {
    const message = error instanceof Error ? error.message : String(error);
    return new KindPipeError(KindPipeError.is(error) ? error.kind : 'plugin', `${this.who} ${what}: ${message}`, { origin: this.origin(frame) });
  }

  private stderr(): string {
    const lines = this.host?.lastLines() ?? [];
    return lines.length ? ` Last stderr lines:\n    ${lines.slice(-10).join('\n    ')}` : ' It wrote nothing to stderr.';
  }
}
