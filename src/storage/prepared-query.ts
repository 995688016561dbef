/**
 * Compiles a one-parameter query once (on first use) and runs it with a new value each time. Kysely builds and
 * compiles its query tree on every call, which costs more than SQLite spends running an indexed lookup; the
 * lookups authentication makes on every request are compiled once instead.
 */
import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import { AppError } from '../errors.js';
import type { Database } from './schema.js';

const PLACEHOLDER = '__strongroom_parameter__';

export function prepareLookup<Row>(
  db: Kysely<Database>,
  build: (value: string) => Compilable<Row>,
): (value: string) => Promise<Row | undefined> {
  let compiled: CompiledQuery<Row> | undefined;
  return async (value) => {
    if (compiled === undefined) {
      compiled = build(PLACEHOLDER).compile();
      if (compiled.parameters.length !== 1 || compiled.parameters[0] !== PLACEHOLDER) {
        throw new AppError('PREPARED_QUERY_INVALID', {
          message: 'prepareLookup needs a query with exactly one parameter',
        });
      }
    }
    return (await db.executeQuery<Row>({ ...compiled, parameters: [value] })).rows[0];
  };
}
