/**
 * Which records of a collection a list or search may return, as a storage condition: the policy's row
 * conditions (policy/decision-condition.ts) composed exactly as record-access.ts `hidden` and record-filters.ts
 * `mayMatch` decide a fetched row, then mapped onto what storage holds. The query applies it, so a record hidden
 * from the caller is never fetched and a page's cost does not grow with the hidden records a filter matches.
 * Invariants: the same answer as deciding each row (property-tested on SQLite and PostgreSQL against the
 * decide()-based filter); deny by default (no grant → `never`, and storage answers without a query); the facts
 * are those record-access.ts compares: `created_by` and `subject` from their columns when set, otherwise from a
 * non-sensitive value of that name, every other attribute from the non-sensitive values only.
 * Not addressed: a condition too large to put in one query (more than MAX_TESTS tests) gives null, and the pager
 * falls back to deciding rows itself over a fixed, padded window (record-page.ts).
 */
import {
  ALWAYS,
  allOf,
  anyOf,
  type DecisionCondition,
  NEVER,
  type Redaction,
  type RowCondition,
} from '../../policy/index.js';
import type { RecordCondition } from '../../storage/index.js';
import type { Collection } from '../collection-service.js';
import type { Caller } from './caller.js';
import type { RecordAccess } from './record-access.js';

/** Tests one query may make at most: beyond, the pager decides rows itself (bounded). */
export const MAX_TESTS = 256;

/** The fields a query uses: `read` must be readable above `redacted` (filters), `search` searchable. */
export interface FieldUses {
  read: readonly string[];
  search: readonly string[];
}

const COLUMNS = { created_by: 'created_by', subject: 'subject_hash' } as const;

function all(of: RecordCondition[]): RecordCondition {
  return { kind: 'all', of };
}

/** The policy's condition over record attributes as a condition over stored columns and values. */
function toStorage(condition: RowCondition): RecordCondition {
  switch (condition.kind) {
    case 'always':
    case 'never':
      return condition;
    case 'not':
      return { kind: 'not', of: toStorage(condition.of) };
    case 'all':
    case 'any':
      return { kind: condition.kind, of: condition.of.map(toStorage) };
    case 'equals': {
      const plain: RecordCondition = { kind: 'plain', field: condition.attribute, equals: condition.value };
      if (!Object.hasOwn(COLUMNS, condition.attribute)) return plain;
      const column = COLUMNS[condition.attribute as keyof typeof COLUMNS];
      // The column wins when set; a record without it falls back to a non-sensitive value of the same name.
      const unset = all([{ kind: 'column', column, equals: null }, plain]);
      if (typeof condition.value !== 'string') return unset;
      return { kind: 'any', of: [{ kind: 'column', column, equals: condition.value }, unset] };
    }
  }
}

function countTests(condition: RecordCondition): number {
  switch (condition.kind) {
    case 'column':
    case 'plain':
      return 1;
    case 'all':
    case 'any':
      return condition.of.reduce((sum, part) => sum + countTests(part), 0);
    case 'not':
      return countTests(condition.of);
    default:
      return 0;
  }
}

const allowing = (conditions: Map<string, DecisionCondition>, level: Redaction) =>
  [...conditions.values()].map((c) => c.allows(level));

/** The policy's condition for records the caller may see and use as `uses` says (record-access.ts semantics). */
export function visibleCondition(
  access: Pick<RecordAccess, 'fieldConditions' | 'purposes'>,
  caller: Caller,
  collection: Collection,
  uses: FieldUses,
): RowCondition {
  const reads = access.fieldConditions(caller, 'read', collection);
  let visible: RowCondition;
  if (reads.size === 0) {
    // No field, no decision: record-access.ts treats such a record as visible.
    visible = ALWAYS;
  } else {
    const asksPurpose = anyOf([...reads.values()].map((c) => c.purposeRequired));
    const withPurpose =
      asksPurpose.kind === 'never'
        ? NEVER
        : anyOf(
            [...access.purposes()].flatMap((purpose) =>
              allowing(
                access.fieldConditions(caller, 'read', collection, undefined, { purpose }),
                'redacted',
              ),
            ),
          );
    visible = anyOf([...allowing(reads, 'redacted'), allOf([asksPurpose, withPurpose])]);
  }
  const filtered =
    uses.read.length === 0
      ? []
      : allowing(access.fieldConditions(caller, 'read', collection, uses.read), 'masked');
  const searched =
    uses.search.length === 0
      ? []
      : allowing(access.fieldConditions(caller, 'search', collection, uses.search), 'redacted');
  return allOf([visible, ...filtered, ...searched]);
}

/** The storage condition of `visibleCondition`, or null when it is too large for one query. */
export function visibleWhere(
  access: Pick<RecordAccess, 'fieldConditions' | 'purposes'>,
  caller: Caller,
  collection: Collection,
  uses: FieldUses,
): RecordCondition | null {
  const condition = toStorage(visibleCondition(access, caller, collection, uses));
  return countTests(condition) > MAX_TESTS ? null : condition;
}
