/**
 * `strongroom audit verify | export | checkpoints` (offline, on the server's host: they read the database the
 * STRONGROOM_* variables or --data-dir name; audit.ts, imported when they run) and `audit events` (over the API,
 * as the logged-in user).
 */
import { unwrap } from '@strongroom/client';
import { type Command, Option } from 'commander';
import { emit, printTable, stdout } from '../output.js';
import { configFrom, dataDirOption, splitFlags } from './server-options.js';
import { type ApiFlags, apiOptions, positiveInt, withApi } from './shared.js';

const offline = () => import('../audit.js');

const print = (line: string) => stdout.line(line);

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('audit trail: events, verify, export, checkpoints');

  dataDirOption(
    audit
      .command('verify')
      .description('check the hash chain and signed checkpoints; names the first bad seq'),
  )
    .addOption(
      new Option('--checkpoints <file>', 'checkpoint export kept off the host (default: the database)'),
    )
    .action(async (flags: Record<string, unknown>) => {
      const { own, settings } = splitFlags(flags, ['checkpoints']);
      const { auditVerify } = await offline();
      process.exitCode = await auditVerify(configFrom(settings), own, print);
    });

  dataDirOption(audit.command('export').description('events in a time range as JSONL on stdout'))
    .addOption(new Option('--since <time>', 'ISO 8601, inclusive').makeOptionMandatory())
    .addOption(new Option('--until <time>', 'ISO 8601, exclusive'))
    .addOption(new Option('--format <format>', 'jsonl').default('jsonl'))
    .action(async (flags: Record<string, unknown>) => {
      const { own, settings } = splitFlags(flags, ['since', 'until', 'format']);
      const { auditExport } = await offline();
      await auditExport(configFrom(settings), own, process.stdout);
    });

  dataDirOption(
    audit.command('checkpoints').description('write signed checkpoints and public keys to a file'),
  )
    .addOption(new Option('--out <file>', 'where to write them').makeOptionMandatory())
    .action(async (flags: Record<string, unknown>) => {
      const { own, settings } = splitFlags(flags, ['out']);
      const out = own.out ?? '';
      const { auditCheckpoints } = await offline();
      const count = await auditCheckpoints(configFrom(settings), out);
      print(`${count} signed checkpoints written to ${out}`);
    });

  apiOptions(audit.command('events').description('audit events from the server, in seq order, filtered'))
    .addOption(new Option('--since <time>', 'ISO 8601, inclusive'))
    .addOption(new Option('--until <time>', 'ISO 8601, exclusive'))
    .addOption(new Option('--action <action>', 'one action, e.g. record.read'))
    .addOption(new Option('--outcome <outcome>', 'allowed, denied, not_found, …'))
    .addOption(new Option('--limit <n>', 'at most this many (default 50)').argParser(positiveInt('--limit')))
    .action(async (flags: ApiFlags & Record<string, string | number | undefined>) => {
      const query = Object.fromEntries(
        ['since', 'until', 'action', 'outcome'].flatMap((name) =>
          flags[name] === undefined ? [] : [[name, flags[name]]],
        ),
      );
      const page = await withApi(flags, async (client) =>
        unwrap(
          await client.GET('/v1/audit/events', {
            params: { query: { ...query, limit: flags.limit ?? 50 } as never },
          }),
        ),
      );
      emit(flags.json, page, (value) =>
        printTable(stdout, value.events as unknown as Record<string, unknown>[], [
          'seq',
          'time',
          'action',
          'outcome',
          'actor',
          'resource',
        ]),
      );
    });
}
