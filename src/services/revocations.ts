/**
 * The one hook every change to credentials goes through once it has committed: logout and every other session
 * revocation (session-service), password changes, disabling and enabling, role and attribute changes, deletion
 * (users/), API key revocation (api-key-service) and erasure (subject-service). `publish` drops what this node cached
 * before it returns and tells every other node (state/revocation-bus.ts); it never throws for a failed send.
 * Call it after the transaction commits, never inside it: a node that re-read the rows before the commit would cache
 * them again. Name the users whose row changed (`userIds`: their sessions and keys are re-read with them), the
 * sessions and keys revoked without a user change (`sessionIds`, `apiKeyIds`), or `all` when the users are not known.
 */
import type { RevocationBus } from '../state/index.js';

export type { Invalidation } from '../state/index.js';

export type RevocationPublisher = Pick<RevocationBus, 'publish'>;
