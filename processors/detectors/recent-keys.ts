// A map that keeps at most `max` keys, forgetting the least recently seen first: the bound every
// per-key window in the detectors shares. Map iteration order is insertion order, so touching a
// key re-inserts it at the end.

export interface RecentKeys<V> {
  /** The key's value, created with `init` when absent; the key becomes the most recently seen. */
  touch(key: string, init: () => V): V;
  get(key: string): V | undefined;
  delete(key: string): void;
  entries(): IterableIterator<[string, V]>;
  readonly size: number;
}

export function createRecentKeys<V>(max: number): RecentKeys<V> {
  const map = new Map<string, V>();
  return {
    touch(key, init) {
      let v = map.get(key);
      if (v !== undefined) map.delete(key);
      else v = init();
      map.set(key, v);
      while (map.size > max) map.delete(map.keys().next().value as string);
      return v;
    },
    get: (key) => map.get(key),
    delete: (key) => void map.delete(key),
    entries: () => map.entries(),
    get size() {
      return map.size;
    },
  };
}
