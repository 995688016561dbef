/**
 * A node's cache of collection definitions, found by name or by id, each entry answered for `ttlMs` after it was
 * read (so a change made on another node is seen within that time).
 * Invariants:
 * - an entry is answered only while younger than `ttlMs` and not from the future (a clock set back forgets it);
 * - a lookup by id that found no collection is remembered as such for the same time: an unknown id and a known one
 *   cost the same (one read on the first lookup and after each expiry, memory in between), so a caller whose answer
 *   depends on whether an id exists (detokenizing someone else's stored-field token vs an unknown token) cannot
 *   tell them apart by timing;
 * - the cache holds at most `maxEntries` ids (known or not) and as many names; past that it starts over.
 * Not addressed: a definition changed or dropped on another node is answered from here until its entry expires
 * (this node forgets its own changes at once, through `forget`).
 */
import type { Collection } from './collection-model.js';

interface Entry<T> {
  value: T;
  loadedAt: number;
}

export function createCollectionCache(options: { clock: () => number; ttlMs: number; maxEntries: number }) {
  const byName = new Map<string, Entry<Collection>>();
  // `null`: no collection has this id (as of loadedAt).
  const byId = new Map<string, Entry<Collection | null>>();

  function fresh<T>(entry: Entry<T> | undefined): entry is Entry<T> {
    if (entry === undefined) return false;
    const now = options.clock();
    return now >= entry.loadedAt && now - entry.loadedAt < options.ttlMs;
  }

  function makeRoom() {
    if (byId.size >= options.maxEntries || byName.size >= options.maxEntries) {
      byId.clear();
      byName.clear();
    }
  }

  return {
    /** The cached definition named `name`, or undefined when it must be read. */
    byName(name: string): Collection | undefined {
      const entry = byName.get(name);
      return fresh(entry) ? entry.value : undefined;
    },
    /** The cached definition with id `id`, null when it is known not to exist, undefined when it must be read. */
    byId(id: string): Collection | null | undefined {
      const entry = byId.get(id);
      return fresh(entry) ? entry.value : undefined;
    },
    /** Remembers a definition just read, under its name and its id. */
    remember(collection: Collection): void {
      makeRoom();
      const loadedAt = options.clock();
      byName.set(collection.name, { value: collection, loadedAt });
      byId.set(collection.id, { value: collection, loadedAt });
    },
    /** Remembers that no collection has id `id`. */
    rememberMissing(id: string): void {
      makeRoom();
      byId.set(id, { value: null, loadedAt: options.clock() });
    },
    /** Forgets what is cached of the collection named `name`, by name and by id (it just changed or went). */
    forget(name: string): void {
      byName.delete(name);
      for (const [id, entry] of byId) if (entry.value?.name === name) byId.delete(id);
    },
  };
}

export type CollectionCache = ReturnType<typeof createCollectionCache>;
