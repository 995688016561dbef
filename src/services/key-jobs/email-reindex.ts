/**
 * Email equality became case-insensitive (vault/email-field.ts). Index key versions of scheme 1 hold emails as
 * written; this starts, once the root key is here, the ordinary blind index rotation (rebuild-indexes.ts) of every
 * collection with a searchable email field whose newest index key version is of scheme 1: the new version is of
 * scheme 2, the job rebuilds every record under it and retires the old one.
 * Invariants: searches find every record during the rebuild (candidates under each live version, the old ones
 * with the value as given); every node may try at once: one rotation wins (KEY_JOB_RUNNING for the others), and a
 * collection whose index job is already running is left to it (its new version is of scheme 2 too). Audited as
 * `key.rotate` without an actor, like the policy installed at start.
 */
import { isAppError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { KeyStore } from '../../storage/index.js';
import type { CollectionService } from '../collection-service.js';
import type { KeyService } from '../key-service.js';
import type { KeyRotation } from './key-rotation.js';

/** Starts the index rebuilds still needed; returns the names of the collections it started one for. */
export async function startEmailReindex(deps: {
  collections: Pick<CollectionService, 'list'>;
  keys: Pick<KeyService, 'currentVersion' | 'scheme'>;
  store: KeyStore;
  rotation: Pick<KeyRotation, 'rotate'>;
  logger: Pick<Logger, 'info' | 'warn'>;
}): Promise<string[]> {
  const started: string[] = [];
  for (const collection of await deps.collections.list()) {
    if (!collection.fields.some((f) => f.type === 'email' && f.sensitive && f.searchable)) continue;
    const keyId = collection.indexKeyId;
    const version = await deps.keys.currentVersion(deps.store, keyId);
    if ((await deps.keys.scheme(deps.store, { keyId, keyVersion: version })) >= 2) continue;
    try {
      await deps.rotation.rotate(
        null,
        { target: 'collection', collection: collection.name, index: true },
        { actor: null },
      );
      started.push(collection.name);
    } catch (error) {
      if (!isAppError(error, 'KEY_JOB_RUNNING')) throw error;
    }
  }
  if (started.length > 0) {
    deps.logger.info({ collections: started }, 'rebuilding email blind indexes to compare without case');
  }
  return started;
}
