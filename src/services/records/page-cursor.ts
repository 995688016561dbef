/**
 * Page cursors. A cursor is the id of the last record of a page, sealed with AES-256-GCM under a key derived from
 * the root key and bound (AAD) to the collection, so it neither reveals a record id nor can be forged, edited or
 * replayed against another collection; anything else is refused as not a cursor from this API.
 */
import { open, seal } from '../../crypto/index.js';
import { AppError } from '../../errors.js';
import type { Collection } from '../collection-service.js';

export function createPageCursor(cursorKey: () => Buffer) {
  return {
    encode(collection: Collection, id: string): string {
      return seal(cursorKey(), Buffer.from(id, 'utf8'), `cursor:${collection.id}`).slice('v1.'.length);
    },
    /** The record id the cursor points after, null without a cursor; VALIDATION_FAILED naming `path` otherwise. */
    decode(collection: Collection, cursor: string | undefined, path: string): string | null {
      if (cursor === undefined) return null;
      try {
        return open(cursorKey(), `v1.${cursor}`, `cursor:${collection.id}`).toString('utf8');
      } catch {
        throw new AppError('VALIDATION_FAILED', {
          field: path,
          message: `${path} is not a cursor from this API`,
        });
      }
    },
  };
}

export type PageCursor = ReturnType<typeof createPageCursor>;
