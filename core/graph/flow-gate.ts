import { KindPipeError } from '../errors.js';
import type { FrameSet } from '../frame.js';

/** What a live source does with a frame while `maxInFlight` frames are already in the stages. */
export const flowPolicies = ['drop-oldest', 'passthrough', 'block'] as const;
export type FlowPolicyName = (typeof flowPolicies)[number];

/** A live source's flow policy, as its node's options chose it. */
export interface FlowPolicy {
  policy: FlowPolicyName;
  /** Frames inside the stages that not every sink has written yet. */
  maxInFlight: number;
}

/** Where a sink takes its next frame from: the stages' output, or the camera's frame itself. */
export type Route = { kind: 'stages' } | { kind: 'bypass'; frames: FrameSet };

/** received = enhanced + dropped + passed once a run has ended (plus frames still in flight during it). */
export interface FlowCounts {
  received: number;
  /** Went through the stages and every sink wrote them. */
  enhanced: number;
  /** Replaced by a newer frame while waiting for room (drop-oldest). */
  dropped: number;
  /** Sent straight to the sinks, not enhanced (passthrough). */
  passed: number;
}

/**
 * The flow limiter between a live source and the stages (MediaPipe's FlowLimiter): at most
 * `maxInFlight` frames are inside the stages, counted from the moment they enter until every sink
 * has written them. A frame that arrives while the stages are full is
 * - `drop-oldest`: kept as the one waiting frame; a newer arrival replaces it (counted dropped), so
 *   the run stays live and latency stays at about (maxInFlight + 1) stage times;
 * - `block`: held until there is room; `offer` does not return, the source is not read, and the
 *   backpressure reaches the camera connection (a live camera then drops frames on its side);
 * - `passthrough`: routed around the stages, straight to every sink, un-enhanced (counted passed).
 *
 * Sinks must write in source order, so the gate decides every frame's route when it arrives and
 * queues the routes per sink: a sink follows its queue, pulling the stages' next output for a
 * `stages` route and writing the carried camera frame for a `bypass` one. A bypassed frame thus
 * waits at the sink behind the earlier frames still being enhanced, and frame accounting stays
 * exact: every frame that enters reaches every sink once, in order.
 *
 * The scheduler drives it from three sides: the source's reader (`offer`, `end`), the feeder that
 * pushes admitted frames into the stages (`take`), and each sink (`nextRoute`, `written`).
 */
export class FlowGate {
  private readonly counted: FlowCounts = { received: 0, enhanced: 0, dropped: 0, passed: 0 };
  private inFlight = 0;
  private waiting: FrameSet | undefined;
  private readonly admitted: FrameSet[] = [];
  private readonly routes = new Map<string, Route[]>();
  private readonly written = new Map<string, number>();
  private ended = false;
  private failure: { error: unknown } | undefined;
  private wakers: (() => void)[] = [];

  constructor(
    readonly policy: FlowPolicy,
    sinks: readonly string[],
  ) {
    if (!Number.isInteger(policy.maxInFlight) || policy.maxInFlight < 1) {
      throw new KindPipeError('config', `maxInFlight must be a whole number ≥ 1, got ${policy.maxInFlight}`);
    }
    for (const sink of sinks) {
      this.routes.set(sink, []);
      this.written.set(sink, 0);
    }
  }

  get counts(): FlowCounts {
    return { ...this.counted };
  }

  /** A frame from the source. Returns at once, except under `block` while the stages are full. */
  async offer(frames: FrameSet): Promise<void> {
    this.throwIfFailed();
    this.counted.received++;
    if (this.inFlight < this.policy.maxInFlight) return this.admit(frames);
    switch (this.policy.policy) {
      case 'passthrough':
        this.counted.passed++;
        this.route({ kind: 'bypass', frames });
        return;
      case 'drop-oldest':
        if (this.waiting) this.counted.dropped++;
        this.waiting = frames;
        return;
      case 'block':
        while (this.inFlight >= this.policy.maxInFlight) await this.wait();
        this.admit(frames);
    }
  }

  /** The source has no more frames. */
  end(): void {
    this.ended = true;
    this.wake();
  }

  /** The next frame for the stages, or undefined once the source ended and none is left. */
  async take(): Promise<FrameSet | undefined> {
    for (;;) {
      this.throwIfFailed();
      if (this.admitted.length > 0) return this.admitted.shift();
      if (this.ended && !this.waiting) return undefined;
      await this.wait();
    }
  }

  /** Where `sink`'s next frame comes from, or undefined once no frame is left for it. */
  async nextRoute(sink: string): Promise<Route | undefined> {
    const queue = this.routes.get(sink);
    if (!queue) throw new KindPipeError('plugin', `flow gate: unknown sink '${sink}'`);
    for (;;) {
      this.throwIfFailed();
      if (queue.length > 0) return queue.shift();
      if (this.ended && !this.waiting) return undefined;
      await this.wait();
    }
  }

  /** `sink` wrote a frame that came through the stages; once every sink has, there is room for one more. */
  frameWritten(sink: string): void {
    this.written.set(sink, (this.written.get(sink) ?? 0) + 1);
    const slowest = Math.min(...this.written.values());
    if (slowest <= this.counted.enhanced) return;
    this.counted.enhanced = slowest;
    this.inFlight--;
    if (this.waiting && this.inFlight < this.policy.maxInFlight) {
      const frames = this.waiting;
      this.waiting = undefined;
      this.admit(frames);
    }
    this.wake();
  }

  /** Makes every waiting side throw `error`: the run is being torn down. */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.wake();
  }

  private admit(frames: FrameSet): void {
    this.inFlight++;
    this.admitted.push(frames);
    this.route({ kind: 'stages' });
  }

  private route(route: Route): void {
    for (const queue of this.routes.values()) queue.push(route);
    this.wake();
  }

  private wait(): Promise<void> {
    return new Promise((resolve) => this.wakers.push(resolve));
  }

  private wake(): void {
    const wakers = this.wakers;
    this.wakers = [];
    for (const wake of wakers) wake();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
