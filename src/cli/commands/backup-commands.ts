/**
 * `strongroom backup keygen | create | verify | restore` (on the server's host; services/backup, imported when one
 * runs). The backup key is a file of its own (`keygen`), never the root key; docs/backup.md says what else to keep.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Command, Option } from 'commander';
import type { BackupManifest, ReplayResult } from '../../services/backup/index.js';
import { CliError } from '../cli-error.js';
import { stdout } from '../output.js';
import { configFrom, dataDirOption, keyringOptions, splitFlags } from './server-options.js';

const backup = () => import('../../services/backup/index.js');
const print = (line: string) => stdout.line(line);

function keyFileOption(command: Command): Command {
  return command.addOption(
    new Option(
      '--key-file <file>',
      'backup key file (made by `backup keygen`; not the root key)',
    ).makeOptionMandatory(),
  );
}

const expectHeadOption = () =>
  new Option(
    '--expect-head <seq:hash>',
    "the live audit trail's head the erasure log must end at, as `strongroom audit verify` prints it",
  );

/** The erasure log and the head it must end at; USAGE without a well-formed --expect-head. */
async function erasuresFrom(file: string, expectHead: string | undefined) {
  const { parseAuditHead } = await backup();
  const head = expectHead === undefined ? null : parseAuditHead(expectHead);
  if (head === null)
    throw new CliError(
      'USAGE',
      expectHead === undefined
        ? '--expect-head SEQ:HASH is required with --erasures: the head of the live audit trail (`strongroom audit verify` prints it), so that a log cut short or rewritten is refused (docs/backup.md)'
        : '--expect-head must be SEQ:HASH (a seq, a colon and 64 hex digits), as `strongroom audit verify` prints the head',
    );
  return { file, expectHead: head };
}

function describe(manifest: BackupManifest): void {
  print(`created ${manifest.created_at} by Strongroom ${manifest.strongroom_version}`);
  print(`schema ${manifest.migrations.at(-1) ?? '(none)'} (${manifest.migrations.length} migrations)`);
  print(
    `audit head ${manifest.audit.seq}:${manifest.audit.hash}${manifest.audit.time === null ? '' : ` at ${manifest.audit.time}`}`,
  );
  print(`files: ${manifest.files.map((f) => `${f.name} (${f.size} bytes)`).join(', ')}`);
}

/** What the replay did, kind by kind, and what the operator must still do. */
function describeReplay(replayed: ReplayResult): void {
  print(
    `replayed ${replayed.subjects} subject erasures and ${replayed.collections} collection drops (${replayed.records} records), ${replayed.deletedRecords} record deletions, ${replayed.apiKeys} API key revocations, ${replayed.deletedUsers} user deletions`,
  );
  print(`revoked all ${replayed.sessions} sessions: every user signs in again`);
  if (replayed.changedUsers.length > 0)
    print(
      `users whose password or settings changed since the backup: their old password and settings are back — reset them (their API keys were revoked): ${replayed.changedUsers.join(', ')}`,
    );
}

export function registerBackupCommands(program: Command): void {
  const group = program
    .command('backup')
    .description('encrypted backups of a SQLite deployment: keygen, create, verify, restore');

  group
    .command('keygen')
    .description('write a new random backup key to FILE (0600; never replaces a file)')
    .argument('<file>', 'where to write the key')
    .action(async (file: string) => {
      const { generateBackupKey } = await backup();
      generateBackupKey(file);
      print(`backup key written to ${file}: keep a copy off this host; without it no backup can be restored`);
    });

  keyFileOption(
    keyringOptions(
      dataDirOption(
        group
          .command('create')
          .description('back the running (or stopped) SQLite database up into FILE, encrypted')
          .argument('<file>', 'the backup file to write (replaced only once the new one is complete)'),
      ),
    ),
  ).action(async (file: string, flags: Record<string, unknown>) => {
    const { own, settings } = splitFlags(flags, ['keyFile']);
    const directory = path.dirname(path.resolve(file));
    if (!fs.statSync(directory, { throwIfNoEntry: false })?.isDirectory()) {
      throw new CliError(
        'USAGE',
        `${directory} is not a directory: create it first, or give FILE in another one`,
      );
    }
    const { createBackup } = await backup();
    const manifest = await createBackup(configFrom(settings), { file, keyFile: own.keyFile ?? '' });
    print(`backup written to ${file}`);
    describe(manifest);
    print('the root key is not in it: keep the root key file (or the keyring shares) as well');
  });

  keyFileOption(
    group
      .command('verify')
      .description('authenticate the whole of FILE and print its manifest; writes nothing')
      .argument('<file>', 'the backup file'),
  ).action(async (file: string, flags: { keyFile: string }) => {
    const { verifyBackup } = await backup();
    const manifest = await verifyBackup({ file, keyFile: flags.keyFile });
    print(`backup intact: ${file}`);
    describe(manifest);
  });

  registerRestore(group);
  registerReplayErasures(group);
}

function registerRestore(group: Command): void {
  keyFileOption(
    group
      .command('restore')
      .description('restore FILE into a new or empty data directory, replaying the erasures made since')
      .argument('<file>', 'the backup file'),
  )
    .addOption(
      new Option('--data-dir <dir>', 'the new or empty data directory to restore into').makeOptionMandatory(),
    )
    .addOption(
      new Option(
        '--erasures <file>',
        'audit events since the backup, as JSONL (`audit export` of the current deployment, or its mirror)',
      ).conflicts('withoutErasureLog'),
    )
    .addOption(expectHeadOption())
    .addOption(
      new Option('--without-erasure-log', 'state that no audit event after the backup exists anywhere'),
    )
    .action(
      async (
        file: string,
        flags: {
          keyFile: string;
          dataDir: string;
          erasures?: string;
          expectHead?: string;
          withoutErasureLog?: boolean;
        },
      ) => {
        const { restoreBackup } = await backup();
        const erasures =
          flags.erasures !== undefined
            ? await erasuresFrom(flags.erasures, flags.expectHead)
            : flags.withoutErasureLog === true
              ? null
              : undefined;
        const result = await restoreBackup({
          file,
          keyFile: flags.keyFile,
          dataDir: flags.dataDir,
          erasures,
        });
        print(`restored ${file} into ${flags.dataDir}`);
        describe(result.manifest);
        const { replayed, erasureLog } = result;
        print(
          erasureLog === null
            ? "no erasure log (--without-erasure-log): replayed the backup's own audit chain only"
            : `erasure log: ${erasureLog.events} events after the backup, up to seq ${erasureLog.lastSeq}`,
        );
        describeReplay(replayed);
        print(
          'put the root key in place before starting (the master key file, STRONGROOM_MASTER_KEY, or the keyring shares): see docs/backup.md',
        );
      },
    );
}

function registerReplayErasures(group: Command): void {
  dataDirOption(
    group
      .command('replay-erasures')
      .description(
        'replay the erasures recorded since a backup on a database restored by other means (pg_restore), server stopped',
      ),
  )
    .addOption(
      new Option(
        '--erasures <file>',
        'audit events since the backup, as JSONL (`audit export`)',
      ).makeOptionMandatory(),
    )
    .addOption(expectHeadOption())
    .action(async (flags: Record<string, unknown>) => {
      const { own, settings } = splitFlags(flags, ['erasures', 'expectHead']);
      const { replayErasureLog } = await backup();
      const erasures = await erasuresFrom(own.erasures ?? '', own.expectHead);
      const { log, replayed } = await replayErasureLog(configFrom(settings), erasures);
      print(`erasure log: ${log.events} events after the database's audit head, up to seq ${log.lastSeq}`);
      describeReplay(replayed);
    });
}
