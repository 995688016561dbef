import type { Kysely } from 'kysely';
import { createApiKeyStore } from './api-key-store.js';
import { createAuditStore } from './audit-store.js';
import { createCollectionStore } from './collection-store.js';
import type { DatabaseKind } from './database.js';
import { createKeyJobStore } from './key-job-store.js';
import { createKeyStore } from './key-store.js';
import { createPolicyStore } from './policy-store.js';
import { createRecordQueryStore } from './record-query-store.js';
import { createRecordStore } from './record-store.js';
import type { Database } from './schema.js';
import { createSecurityEventStore } from './security-event-store.js';
import { createSessionStore } from './session-store.js';
import { createSigningKeyStore } from './signing-key-store.js';
import { createSubjectStore } from './subject-store.js';
import { createTokenStore } from './token-store.js';
import { createUserStore } from './user-store.js';

/** Every store bound to one connection or transaction. */
export function createStores(db: Kysely<Database>, kind: DatabaseKind) {
  return {
    users: createUserStore(db, kind),
    sessions: createSessionStore(db),
    apiKeys: createApiKeyStore(db),
    signingKeys: createSigningKeyStore(db),
    securityEvents: createSecurityEventStore(db),
    keys: createKeyStore(db),
    policies: createPolicyStore(db),
    keyJobs: createKeyJobStore(db),
    collections: createCollectionStore(db, kind),
    records: createRecordStore(db),
    recordQueries: createRecordQueryStore(db),
    subjects: createSubjectStore(db),
    tokens: createTokenStore(db),
    audit: createAuditStore(db, kind),
  };
}

export type Stores = ReturnType<typeof createStores>;
