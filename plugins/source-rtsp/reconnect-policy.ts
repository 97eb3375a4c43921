/**
 * When to try a lost camera again: exponential backoff from `initialS`, doubling up to `maxS`,
 * reset once frames flow again; and the give-up point, `maxOutageS` after the stream was lost
 * (0 = never give up). Times are milliseconds from any monotonic clock.
 */
export class ReconnectPolicy {
  private delayS: number;
  private lostAt: number | undefined;

  constructor(
    private readonly initialS: number,
    private readonly maxS: number,
    private readonly maxOutageS: number,
  ) {
    this.delayS = initialS;
  }

  /** Seconds the stream has been down at `now`, or 0 while it is up. */
  outageS(now: number): number {
    return this.lostAt === undefined ? 0 : (now - this.lostAt) / 1000;
  }

  /**
   * The stream was lost (or an attempt to get it back failed) at `now`: seconds to wait before
   * the next attempt, or undefined when the outage has lasted longer than `maxOutageS`.
   */
  lost(now: number): number | undefined {
    this.lostAt ??= now;
    if (this.maxOutageS > 0 && this.outageS(now) >= this.maxOutageS) return undefined;
    const delay = this.maxOutageS > 0 ? Math.min(this.delayS, this.maxOutageS - this.outageS(now)) : this.delayS;
    this.delayS = Math.min(this.delayS * 2, this.maxS);
    return delay;
  }

  /** A frame arrived at `now`: returns how long the outage lasted (s), or undefined if there was none. */
  recovered(now: number): number | undefined {
    if (this.lostAt === undefined) return undefined;
    const outage = this.outageS(now);
    this.lostAt = undefined;
    this.delayS = this.initialS;
    return outage;
  }
}
