/**
 * The one concurrency limiter: a pool that runs `work` on items pushed at any time, at most `limit` at once, and
 * `mapWithConcurrency` over a fixed list on top of it. No I/O of its own: the work is passed in.
 */
export interface WorkPool<T> {
  push(item: T): void;
  /** Resolves once every pushed item is done. */
  drain(): Promise<void>;
  /** Drops what has not started and resolves once the running items are done. */
  cancel(): Promise<void>;
}

/** A pool of at most `limit` (at least 1) items in flight. `work` must not throw: catch inside it. */
export function createWorkPool<T>(limit: number, work: (item: T) => Promise<void>): WorkPool<T> {
  const width = Math.max(1, limit);
  const waiting: T[] = [];
  const idle: (() => void)[] = [];
  let running = 0;
  const start = (): void => {
    while (running < width && waiting.length > 0) {
      const item = waiting.shift() as T;
      running += 1;
      void work(item).finally(() => {
        running -= 1;
        start();
        if (running === 0 && waiting.length === 0) for (const resolve of idle.splice(0)) resolve();
      });
    }
  };
  const settle = (): Promise<void> => (running === 0 && waiting.length === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve)));
  return {
    push(item) {
      waiting.push(item);
      start();
    },
    drain: settle,
    cancel() {
      waiting.length = 0;
      return settle();
    },
  };
}

/**
 * Runs `work` over `items` with at most `limit` in flight; results keep the input order. On the first failure no
 * further item starts; the running ones finish, then the failure is thrown.
 */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let failure: { readonly error: unknown } | undefined;
  const pool = createWorkPool<number>(limit, async (index) => {
    try {
      results[index] = await work(items[index] as T, index);
    } catch (error) {
      failure ??= { error };
      void pool.cancel();
    }
  });
  for (let index = 0; index < items.length; index += 1) pool.push(index);
  await pool.drain();
  if (failure) throw failure.error;
  return results;
}
