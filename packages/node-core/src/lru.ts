/**
 * A bounded map that forgets the least recently used entry first. Hand-written (lru-cache exists) because the
 * middleware needs get/set/delete only and the packages stay free of runtime dependencies beyond jose.
 */
export interface Lru<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  delete(key: K): void;
  readonly size: number;
}

export function createLru<K, V>(maxEntries: number): Lru<K, V> {
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    throw new RangeError('maxEntries must be a positive integer');
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used first.
  const entries = new Map<K, V>();
  // The key inserted last, hence already the most recently used: a hit on it needs no re-insertion (the common
  // case of one client sending one token again and again). Reset whenever another key moves to the end.
  let newest: K | undefined;
  let hasNewest = false;
  return {
    get(key) {
      const value = entries.get(key);
      if (value === undefined) return undefined;
      if (hasNewest && newest === key) return value;
      entries.delete(key);
      entries.set(key, value);
      newest = key;
      hasNewest = true;
      return value;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, value);
      newest = key;
      hasNewest = true;
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done !== true) entries.delete(oldest.value);
      }
    },
    delete(key) {
      entries.delete(key);
      if (hasNewest && newest === key) {
        newest = undefined;
        hasNewest = false;
      }
    },
    get size() {
      return entries.size;
    },
  };
}
