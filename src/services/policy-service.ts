/**
 * The access policy in force: one compiled, frozen `Policy` in memory, backed by the append-only `policies` table.
 *
 * - start (`init`): a configured policy file is compiled and stored as a new version when it differs from the
 *   latest stored one; otherwise the latest stored version is used; otherwise the built-in default is installed;
 * - change (`put`): the document is compiled first (VALIDATION_FAILED naming the path, nothing stored on error),
 *   stored as the next version, then swapped in; `rollback` stores an old version's document as the next version
 *   the same way (history is never rewritten); either may name the version it was decided against
 *   (`expected`, from If-Match): PRECONDITION_FAILED when another version was stored since;
 * - other nodes: `refresh` compares the latest stored version number (one indexed MAX) with the one in memory and
 *   reloads when it moved on; the app calls it every few seconds and before answering policy reads.
 *
 * Invariants: only a document that compiled is ever stored or served; versions only grow (a slower node never
 * swaps an older policy over a newer one); every stored version is recorded as a `policy_changed` security event
 * (and a `policy.update` audit event) with who and where from; a stored document that no longer compiles stops the start (fail closed) rather than
 * falling back to anything more permissive.
 * Not addressed: nodes may decide with the previous version for up to the refresh interval after a change.
 */
import { AppError } from '../errors.js';
import type { Policy } from '../policy/index.js';
import { compilePolicy, defaultPolicyDocument } from '../policy/index.js';
import type { PolicySource, PolicyStore, PolicyVersionRow, PolicyVersionSummary } from '../storage/index.js';
import { compilePolicyBody } from './policy-envelope.js';
import { readPolicyFile } from './policy-file.js';
import { requestFieldsOf, type SecurityEventRecorder } from './security-events.js';

export interface PolicyVersion {
  version: number;
  source: PolicySource;
  createdBy: string | null;
  createdAt: number;
  /** The document as stored (parsed JSON). */
  document: unknown;
  policy: Policy;
}

/** Who changed the policy through the API, and the request (for the audit trail). */
export interface ChangedBy {
  userId: string;
  clientAddress?: string;
  requestId?: string;
}

// Concurrent writers (nodes starting together, two admins) race for the next version on the primary key.
const MAX_WRITE_ATTEMPTS = 5;

function load(row: PolicyVersionRow): PolicyVersion {
  const document: unknown = JSON.parse(row.document);
  return {
    version: row.version,
    source: row.source,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    document,
    // Stored by this or an earlier release: compiled without the limits of new documents.
    policy: compilePolicy(document, { stored: true }),
  };
}

type PolicyServiceDeps = {
  store: Pick<PolicyStore, 'insert' | 'latest' | 'latestVersion' | 'list' | 'find'>;
  events: Pick<SecurityEventRecorder, 'record'>;
  clock: () => number;
};

/** The one way a version is stored: numbered next, raced for on the primary key, recorded as an event. */
function createVersionWriter(deps: PolicyServiceDeps) {
  /**
   * Stores `document` (already compiled as `policy`) as the next version, retrying when another writer wins;
   * when `keep(latest)` holds, the latest stored version is kept instead (checked again on every attempt).
   */
  return async function store(
    document: unknown,
    policy: Policy,
    source: PolicySource,
    by: ChangedBy | null,
    keep: (latest: PolicyVersionRow) => boolean = () => false,
    change: { expected?: number; restoredFrom?: number } = {},
  ): Promise<PolicyVersion> {
    const createdBy = by?.userId ?? null;
    const text = JSON.stringify(document);
    for (let attempt = 1; ; attempt++) {
      const latest = await deps.store.latest();
      if (latest !== null && keep(latest)) return load(latest);
      // Decided against a version that is no longer the latest: the caller must look again (checked per attempt,
      // so a writer that wins the race in between is noticed too).
      if (change.expected !== undefined && (latest?.version ?? 0) !== change.expected)
        throw new AppError('PRECONDITION_FAILED', { field: 'if-match' });
      const row: PolicyVersionRow = {
        version: (latest?.version ?? 0) + 1,
        document: text,
        source,
        createdBy,
        createdAt: deps.clock(),
      };
      try {
        await deps.store.insert(row);
      } catch (error) {
        const taken = (await deps.store.latestVersion()) >= row.version;
        if (taken && attempt < MAX_WRITE_ATTEMPTS) continue;
        throw error;
      }
      await deps.events.record('policy_changed', {
        userId: createdBy,
        ...requestFieldsOf(by ?? undefined),
        detail: {
          version: row.version,
          source,
          previous_version: latest?.version ?? null,
          ...(change.restoredFrom === undefined ? {} : { restored_from: change.restoredFrom }),
        },
      });
      return { ...row, document, policy };
    }
  };
}

export function createPolicyService(deps: PolicyServiceDeps) {
  let current: PolicyVersion | null = null;

  function swap(next: PolicyVersion): void {
    if (current === null || next.version > current.version) current = next;
  }

  function currentVersion(): PolicyVersion {
    if (current === null) {
      throw new AppError('POLICY_NOT_LOADED', { message: 'the policy service was not initialised' });
    }
    return current;
  }

  const store = createVersionWriter(deps);

  return {
    /** Loads the policy at start (see the header); throws a CONFIG_* AppError for an unusable policy file. */
    async init(options: { policyFile: string | null }): Promise<PolicyVersion> {
      if (options.policyFile !== null) {
        const { document, policy } = await readPolicyFile(options.policyFile);
        const text = JSON.stringify(document);
        swap(await store(document, policy, 'file', null, (latest) => latest.document === text));
      } else {
        // Whatever is stored wins over the default, also when another node stores it while this one starts; a
        // stored built-in default of an earlier release gives way to this release's (new administrative actions).
        const document = defaultPolicyDocument();
        const text = JSON.stringify(document);
        const keep = (latest: PolicyVersionRow) => latest.source !== 'default' || latest.document === text;
        swap(await store(document, compilePolicy(document), 'default', null, keep));
      }
      return currentVersion();
    },

    /** The version in force on this node. */
    current: currentVersion,

    /** The compiled policy in force on this node (what `decide` takes). */
    policy(): Policy {
      return currentVersion().policy;
    },

    /**
     * Compiles and stores a new version (from a document, or a version as `current()` serves it: see
     * policy-envelope.ts), then puts it in force; throws VALIDATION_FAILED (`$…` path) first, and
     * whatever `accept` throws for the compiled policy (nothing is stored then).
     */
    async put(
      document: unknown,
      by: ChangedBy,
      accept?: (policy: Policy) => void | Promise<void>,
      expected?: number,
    ): Promise<PolicyVersion> {
      const { document: body, policy } = compilePolicyBody(document);
      await accept?.(policy);
      const stored = await store(
        body,
        policy,
        'api',
        by,
        undefined,
        expected === undefined ? {} : { expected },
      );
      swap(stored);
      return stored;
    },

    /** Stored version `version`; POLICY_VERSION_NOT_FOUND when there is none. */
    async version(version: number): Promise<PolicyVersion> {
      const row = await deps.store.find(version);
      if (row === null) throw new AppError('POLICY_VERSION_NOT_FOUND', { field: 'version' });
      return load(row);
    },

    /**
     * Stores the document of old version `version` as the next version and puts it in force, after `accept`
     * (the same lock-out checks as `put`: what was safe then may not be now). POLICY_VERSION_NOT_FOUND first.
     */
    async rollback(
      version: number,
      by: ChangedBy,
      accept?: (policy: Policy) => void | Promise<void>,
      expected?: number,
    ): Promise<PolicyVersion> {
      const row = await deps.store.find(version);
      if (row === null) throw new AppError('POLICY_VERSION_NOT_FOUND', { field: 'version' });
      const document: unknown = JSON.parse(row.document);
      // Compiled as a new document: a version stored by an older release must meet today's limits to come back.
      const { policy } = compilePolicyBody(document);
      await accept?.(policy);
      const change = { restoredFrom: version, ...(expected === undefined ? {} : { expected }) };
      const stored = await store(document, policy, 'api', by, undefined, change);
      swap(stored);
      return stored;
    },

    /** Stored versions, newest first, without their documents. */
    async history(options: { before?: number; limit: number }): Promise<PolicyVersionSummary[]> {
      return deps.store.list({ before: options.before ?? null, limit: options.limit });
    },

    /** Reloads when another node stored a newer version; true when the policy in force changed. */
    async refresh(): Promise<boolean> {
      const known = current?.version ?? 0;
      if ((await deps.store.latestVersion()) <= known) return false;
      const latest = await deps.store.latest();
      if (latest === null || latest.version <= known) return false;
      swap(load(latest));
      return true;
    },
  };
}

export type PolicyService = ReturnType<typeof createPolicyService>;
