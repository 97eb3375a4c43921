/** A resource that must be released: a process, a model session, a temp file. */
export interface Disposable {
  dispose(): void | Promise<void>;
}

/**
 * Holds disposables and releases them in reverse order of acquisition, each within a deadline so
 * that one stuck resource cannot hang shutdown.
 */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private disposed = false;

  constructor(private readonly deadlineMs = 5000) {}

  add<T extends Disposable>(item: T): T {
    if (this.disposed) {
      void item.dispose();
      return item;
    }
    this.items.push(item);
    return item;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    for (const item of this.items.reverse()) {
      try {
        await withDeadline(Promise.resolve(item.dispose()), this.deadlineMs);
      } catch (error) {
        errors.push(error);
      }
    }
    this.items.length = 0;
    if (errors.length > 0) throw errors[0];
  }
}

export function toDisposable(release: () => void | Promise<void>): Disposable {
  return { dispose: release };
}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
