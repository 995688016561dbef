/**
 * Finding the record a caller names, before anything else is decided about it.
 * Invariant: a record the caller may see no field of answers exactly as a missing one (RECORD_NOT_FOUND, in the
 * same time: both are audited, see hidden-existence.ts), so record ids cannot be probed across tenants; only a
 * caller who could see an erased record learns that it was erased (SUBJECT_ERASED).
 */
import { AppError } from '../../errors.js';
import type { RecordRow, Stores } from '../../storage/index.js';
import type { Collection } from '../collection-service.js';
import { hiddenNotFound } from '../hidden-existence.js';
import type { Caller } from './caller.js';
import type { RecordAccess } from './record-access.js';
import { factsOf, type RecordFacts } from './record-facts.js';

/**
 * The record `id` of `collection` with its facts, when `caller` may see it. `field` names the request field the
 * errors point at; `allowErased` lets an erased record through (deleting a tombstone is allowed).
 */
export async function findVisibleRecord(
  records: Pick<Stores['records'], 'find'>,
  access: Pick<RecordAccess, 'hidden'>,
  caller: Caller,
  collection: Collection,
  id: string,
  options: { field?: string; allowErased?: boolean } = {},
): Promise<{ row: RecordRow; facts: RecordFacts }> {
  const at = options.field === undefined ? {} : { field: options.field };
  const row = await records.find(collection.id, id);
  if (row === null) throw hiddenNotFound('RECORD_NOT_FOUND', 'missing', at);
  const facts = factsOf(row);
  if (access.hidden(caller, collection, facts)) throw hiddenNotFound('RECORD_NOT_FOUND', 'refused', at);
  if (row.erasedAt !== null && options.allowErased !== true) throw new AppError('SUBJECT_ERASED', at);
  return { row, facts };
}
