import { type Kysely, type Migration, type MigrationProvider, Migrator, PostgresAdapter, sql } from 'kysely';
import { AppError } from '../errors.js';
import * as initial from './migrations/0001-initial.js';
import * as vault from './migrations/0002-vault.js';
import * as audit from './migrations/0003-audit.js';
import * as policies from './migrations/0004-policies.js';
import * as auditDetails from './migrations/0005-audit-details.js';
import * as userSubjects from './migrations/0006-user-subjects.js';
import * as keyLineage from './migrations/0007-key-lineage.js';
import * as auditSinks from './migrations/0008-audit-sinks.js';
import * as accountKinds from './migrations/0009-account-kinds.js';
import * as auditSinkLeases from './migrations/0010-audit-sink-leases.js';
import * as auditActorSubjects from './migrations/0011-audit-actor-subjects.js';

// Migrations are bundled in code (not read from a directory) so the compiled build and the tests run the same set.
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-vault': vault,
  '0003-audit': audit,
  '0004-policies': policies,
  '0005-audit-details': auditDetails,
  '0006-user-subjects': userSubjects,
  '0007-key-lineage': keyLineage,
  '0008-audit-sinks': auditSinks,
  '0009-account-kinds': accountKinds,
  '0010-audit-sink-leases': auditSinkLeases,
  '0011-audit-actor-subjects': auditActorSubjects,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** The migrations this release knows, in order (a backup manifest names those applied to its database). */
export const MIGRATION_NAMES: readonly string[] = Object.freeze(Object.keys(MIGRATIONS));

/**
 * The PostgreSQL schema this connection works in (from its search_path). Kysely's migrator, given no schema, takes
 * its bookkeeping tables in *any* schema of the database for its own, so one instance's tables would stop another
 * instance (or test run) in a schema of its own from migrating.
 */
async function currentPostgresSchema(db: Kysely<unknown>): Promise<string | undefined> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return undefined;
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema ?? undefined;
}

/** Brings the schema to the latest version; throws MIGRATION_FAILED (naming the failing migration) if any step fails. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const schema = await currentPostgresSchema(db);
  const migrator = new Migrator({
    db,
    provider,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error !== undefined) {
    throw new AppError('MIGRATION_FAILED', {
      message: `database migration ${failed?.migrationName ?? ''} failed`,
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
