import type { ModelEntry, ModelRegistry, ModelSession, RuntimeOptions } from '../../core/model.js';

/** Where a load is told: the server's log and its `--log json` events. */
export interface ModelLoadLog {
  info(message: string): void;
  event(name: string, fields: Record<string, unknown>): void;
}

/**
 * The model registry of one `kind-pipe serve`: each network is loaded once, the first time any
 * connection's graph opens it, and every connection after that gets the same ONNX session (issue
 * #17: twenty connections had loaded twenty copies, 2.1 GB). Only the sessions are shared: they
 * hold weights, no frame state. Each connection still creates its own stage instances, so what a
 * stage carries across frames (normalize's temporal stretch, the exposure's moving average) stays
 * per connection. Sharing is safe because a session runs one frame at a time: onnxruntime-node's
 * `run` is synchronous on the calling thread, and serve runs its stages on the main thread.
 *
 * A stage's `dispose()` leaves the shared session open; `dispose()` here releases them all, when
 * the server stops. A load that failed is forgotten, so that the next connection tries again.
 *
 * ```ts
 * const models = new SharedModels(container.get(ModelRegistry), reporter);
 * const services = { get: (token) => (token === ModelRegistry ? models : container.get(token)) };
 * ```
 */
export class SharedModels implements ModelRegistry {
  private readonly sessions = new Map<string, Promise<ModelSession>>();

  constructor(
    private readonly registry: ModelRegistry,
    private readonly log: ModelLoadLog,
  ) {}

  ids(): string[] {
    return this.registry.ids();
  }

  get(id: string): ModelEntry {
    return this.registry.get(id);
  }

  async open(id: string, role: string, options: RuntimeOptions): Promise<ModelSession> {
    const key = JSON.stringify([id, role, options]);
    let session = this.sessions.get(key);
    if (!session) {
      session = this.load(id, role, options);
      this.sessions.set(key, session);
      session.catch(() => this.sessions.delete(key));
    }
    const shared = await session;
    return { inputNames: shared.inputNames, outputNames: shared.outputNames, run: (feeds) => shared.run(feeds), dispose: () => undefined };
  }

  /** Releases every session; called once no connection is left. */
  async dispose(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    for (const session of sessions) await session.then((s) => s.dispose(), () => undefined);
  }

  private async load(id: string, role: string, options: RuntimeOptions): Promise<ModelSession> {
    const started = performance.now();
    const session = await this.registry.open(id, role, options);
    const ms = Math.round(performance.now() - started);
    this.log.info(`serve: loaded ${id}/${role} in ${ms} ms, shared by every connection`);
    this.log.event('model-load', { model: id, network: role, ms });
    return session;
  }
}
