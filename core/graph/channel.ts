/**
 * A bounded single-producer single-consumer queue. `push` waits while the queue is full: that wait
 * is the backpressure that keeps memory flat however long the video is.
 */
export class Channel<T> {
  private readonly items: T[] = [];
  private closed = false;
  private failure: { error: unknown } | undefined;
  private wakePull: (() => void) | undefined;
  private wakePush: (() => void) | undefined;

  /** `drop` is called for each item discarded by `fail` (so a shared frame's reference is released). */
  constructor(
    readonly capacity: number,
    private readonly drop?: (item: T) => void,
  ) {}

  get length(): number {
    return this.items.length;
  }

  async push(item: T): Promise<void> {
    while (this.items.length >= this.capacity && !this.failure) {
      await new Promise<void>((resolve) => (this.wakePush = resolve));
    }
    if (this.failure) throw this.failure.error;
    if (this.closed) throw new Error('push on a closed channel');
    this.items.push(item);
    this.wake('pull');
  }

  /** The next item, or undefined once the producer closed the channel and it is empty. */
  async pull(): Promise<T | undefined> {
    while (this.items.length === 0 && !this.closed && !this.failure) {
      await new Promise<void>((resolve) => (this.wakePull = resolve));
    }
    if (this.failure) throw this.failure.error;
    const item = this.items.shift();
    this.wake('push');
    return item;
  }

  close(): void {
    this.closed = true;
    this.wake('pull');
  }

  /** Makes both ends throw `error`: used to tear the graph down when one node fails. */
  fail(error: unknown): void {
    if (!this.failure) this.failure = { error };
    const dropped = this.items.splice(0);
    if (this.drop) for (const item of dropped) this.drop(item);
    this.wake('pull');
    this.wake('push');
  }

  private wake(side: 'pull' | 'push'): void {
    const wake = side === 'pull' ? this.wakePull : this.wakePush;
    if (side === 'pull') this.wakePull = undefined;
    else this.wakePush = undefined;
    wake?.();
  }
}
