/**
 * Runs functions one after another per key, and concurrently across keys: the vault's per-meter
 * serialisation (DESIGN §6, §10). Two requests for one meter never overlap in this process, so a
 * module never loads a package while another module is writing a newer one back; meters do not
 * wait for each other. Across vault nodes, PostgreSQL's row lock per meter extends the same rule.
 *
 * @example
 * const queue = createKeyedQueue();
 * await queue.run(meterId, async () => loadRunStore(meterId));
 */
export interface KeyedQueue {
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** Keys with work queued or running (for metrics and tests). */
  readonly activeKeys: number;
  /** Resolves when nothing is queued or running under any key. */
  idle(): Promise<void>;
}

export function createKeyedQueue(): KeyedQueue {
  const tails = new Map<string, Promise<void>>();
  return {
    run<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      // fn starts only after the previous one settled, whatever its outcome.
      const result = previous.then(fn);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      void tail.then(() => {
        // Forget the key once its last function is done, so the map holds only busy meters.
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    get activeKeys() {
      return tails.size;
    },
    async idle() {
      while (tails.size > 0) await Promise.all(tails.values());
    },
  };
}
