/**
 * The built-in policy, installed (as version 1, source `default`) when no policy is stored and no policy file is
 * configured. It keeps the behaviour Strongroom had before policies existed:
 * - `admin` may do everything, in plain, whatever the purpose;
 * - `user` may read every collection masked; create records (`write` on `collections/<name>`, where
 *   no record exists yet) and tokenize free values (`tokenize` on `tokens/<type>`); and read in plain, write,
 *   delete, search (exact-match by sensitive value), tokenize and detokenize what it created itself (`created_by` equal to `$actor.id`), whole records
 *   (`collections/<name>`: delete, the subject id) and their fields alike. Searching by a sensitive value is
 *   limited to its own records: exact-match search on records one sees masked would recover their values.
 * - `introspector` may only introspect access tokens (`introspect` on `system/introspection`): the role of an
 *   application's service account, whose API key lets its middleware ask whether a token is still active and what
 *   the user's current roles are, and nothing else (no user data, no records).
 * - `monitor` may only read the Prometheus metrics (`read_metrics` on `system/metrics`): the role of a scraper's
 *   account, whose API key reads `GET /metrics` and nothing else (the exposition holds no user, value or id).
 * Reading sensitive fields still needs a stated purpose (decide.ts): any of the default purposes will do.
 */
import { ACTIONS } from './policy-types.js';

export const DEFAULT_PURPOSES = ['support', 'billing', 'fraud_prevention', 'data_subject_request'] as const;

const OWN = { created_by: { equals: '$actor.id' } };

/** The default policy document (a fresh copy each call, so callers may not alter the shared one). */
export function defaultPolicyDocument() {
  return {
    version: 1,
    purposes: [...DEFAULT_PURPOSES],
    roles: {
      admin: {
        rules: [{ effect: 'allow', actions: [...ACTIONS], resources: ['**'], redaction: 'plain' }],
      },
      user: {
        rules: [
          {
            effect: 'allow',
            actions: ['read'],
            resources: ['collections/**'],
            redaction: 'masked',
          },
          { effect: 'allow', actions: ['write'], resources: ['collections/*'] },
          { effect: 'allow', actions: ['tokenize'], resources: ['tokens/*'] },
          {
            effect: 'allow',
            actions: ['read', 'search', 'write', 'delete', 'tokenize', 'detokenize'],
            resources: ['collections/*', 'collections/**', 'tokens/**'],
            redaction: 'plain',
            condition: OWN,
          },
        ],
      },
      introspector: {
        rules: [{ effect: 'allow', actions: ['introspect'], resources: ['system/introspection'] }],
      },
      monitor: {
        rules: [{ effect: 'allow', actions: ['read_metrics'], resources: ['system/metrics'] }],
      },
    },
  };
}
