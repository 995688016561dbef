/**
 * `strongroom operator migrate`: moves a data directory from a key file to a sealed keyring (setup/migrate-root-key.ts)
 * and prints the new shares once. The server must be stopped: a running one keeps the old key in memory.
 */
import type { Config } from '../config.js';
import { migrateRootKey } from '../setup/migrate-root-key.js';
import { parseSplit, printShares } from './operator.js';

export async function operatorMigrate(
  config: Readonly<Config>,
  flags: { shares?: string; threshold?: string },
  print: (line: string) => void,
): Promise<void> {
  const split = parseSplit(flags);
  print('Stop every server on this data directory before migrating: a running one keeps using the old key.');
  const result = await migrateRootKey(config, split, (shares) => {
    print(
      `Sealed keyring written to ${config.keyringFile} (any ${split.threshold} of ${split.shares} shares unseal it).`,
    );
    printShares(shares, split, print);
  });
  print(
    `Migrated: ${result.resealed} keys resealed under the new root key; data keys and values are unchanged.`,
  );
  print(
    result.deletedKeyFile === null
      ? 'Remove STRONGROOM_MASTER_KEY / STRONGROOM_MASTER_KEY_FILE from the configuration and destroy that key and its copies.'
      : `Deleted the development key file ${result.deletedKeyFile}; destroy any copy of it (backups made before now still open with it).`,
  );
  print(
    'Start the server with --keyring sealed (or STRONGROOM_KEYRING=sealed) and unseal it with strongroom operator unseal.',
  );
}
