/**
 * `strongroom records get | put | patch | delete | search`. Field values and search values are read as a JSON
 * object from a file or stdin (`-`, the default), never from arguments, where `ps` and shell history keep them.
 * `--reveal` names the sensitive fields to show in plain (the policy decides), `--purpose` states why.
 */
import { type StrongroomClient, unwrap } from '@strongroom/client';
import { type Command, Option } from 'commander';
import { emit, printFields, printTable, stdout } from '../output.js';
import {
  type ApiFlags,
  apiOptions,
  positiveInt,
  readJsonObject,
  untyped,
  unwrapAny,
  withApi,
} from './shared.js';

type RecordView = {
  id: string;
  subject: string | null;
  fields: Record<string, unknown>;
  withheld: Record<string, string>;
  revision: number;
};

interface ReadFlags extends ApiFlags {
  reveal?: string;
  purpose?: string;
}

const revealList = (value: string | undefined): string[] =>
  value === undefined
    ? []
    : value
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '');

function showRecord(flags: ApiFlags, record: RecordView): void {
  emit(flags.json, record, (value) => {
    printFields(stdout, value, ['id', 'subject', 'revision', 'updated_at']);
    stdout.line('');
    printFields(stdout, value.fields);
    for (const [name, reason] of Object.entries(value.withheld))
      stdout.line(`${name}: (withheld: ${reason})`);
  });
}

const purposeOf = (flags: ReadFlags) => (flags.purpose === undefined ? {} : { purpose: flags.purpose });

async function getRecord(collection: string, id: string, flags: ReadFlags): Promise<void> {
  const reveal = revealList(flags.reveal);
  const record = await withApi(flags, async (client) =>
    unwrap(
      await client.GET('/v1/collections/{collection}/records/{id}', {
        params: { path: { collection, id }, query: reveal.length === 0 ? {} : { reveal: reveal.join(',') } },
        ...purposeOf(flags),
      }),
    ),
  );
  showRecord(flags, record as RecordView);
}

async function putRecord(
  collection: string,
  flags: ApiFlags & { subject?: string; file: string },
): Promise<void> {
  const fields = await readJsonObject(flags.file, flags.file === '-' ? 'standard input' : flags.file);
  const written = await withApi(flags, async (client) =>
    unwrap(
      await client.POST('/v1/collections/{collection}/records', {
        params: { path: { collection } },
        body: { fields: fields as never, ...(flags.subject === undefined ? {} : { subject: flags.subject }) },
      }),
    ),
  );
  emit(flags.json, written, (value) =>
    stdout.line(`Stored record ${value.id} (revision ${value.revision}).`),
  );
}

async function patchRecord(
  collection: string,
  id: string,
  flags: ApiFlags & { file: string; ifMatch?: number },
): Promise<void> {
  const fields = await readJsonObject(flags.file, flags.file === '-' ? 'standard input' : flags.file);
  const written = await withApi(flags, async (client) =>
    unwrapAny<{ id: string; revision: number }>(
      await untyped(client).PATCH('/v1/collections/{collection}/records/{id}', {
        params: { path: { collection, id } },
        body: { fields },
        ...(flags.ifMatch === undefined ? {} : { headers: { 'if-match': `"${flags.ifMatch}"` } }),
      }),
    ),
  );
  emit(flags.json, written, (value) =>
    stdout.line(`Updated record ${value.id} (revision ${value.revision}).`),
  );
}

async function searchRecords(
  collection: string,
  flags: ReadFlags & { file: string; limit?: number },
): Promise<void> {
  const where = await readJsonObject(flags.file, flags.file === '-' ? 'standard input' : flags.file);
  const reveal = revealList(flags.reveal);
  const records = await withApi(flags, (client) => searchAll(client, collection, where, reveal, flags));
  emit(flags.json, records, (value) =>
    printTable(
      stdout,
      value.map((r) => ({ id: r.id, subject: r.subject, revision: r.revision, ...r.fields })),
      ['id', 'subject', 'revision', ...new Set(value.flatMap((r) => Object.keys(r.fields)))],
    ),
  );
}

async function searchAll(
  client: StrongroomClient,
  collection: string,
  where: Record<string, unknown>,
  reveal: string[],
  flags: ReadFlags & { limit?: number },
): Promise<RecordView[]> {
  const limit = flags.limit ?? 200;
  const records: RecordView[] = [];
  let cursor: string | undefined;
  do {
    const page = unwrap(
      await client.POST('/v1/collections/{collection}/records/search', {
        params: { path: { collection } },
        body: {
          where: where as never,
          limit: Math.min(200, limit - records.length),
          ...(reveal.length === 0 ? {} : { reveal }),
          ...(cursor === undefined ? {} : { cursor }),
        },
        ...purposeOf(flags),
      }),
    );
    records.push(...(page.records as RecordView[]));
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined && records.length < limit);
  return records;
}

const readOptions = (command: Command) =>
  apiOptions(command)
    .addOption(new Option('--reveal <fields>', 'sensitive fields to show in plain, comma-separated'))
    .addOption(new Option('--purpose <purpose>', 'why you access the data (X-Access-Purpose)'));

const fileOption = (what: string) =>
  new Option('--file <file>', `${what} as a JSON object; - for standard input`).default('-');

export function registerRecordCommands(program: Command): void {
  const records = program.command('records').description('records of a collection');

  readOptions(
    records.command('get').argument('<collection>').argument('<id>').description('read a record'),
  ).action(getRecord);

  apiOptions(
    records.command('put').argument('<collection>').description('store a new record (fields as JSON)'),
  )
    .addOption(fileOption('the fields'))
    .addOption(new Option('--subject <id>', 'the subject (person) the record is about'))
    .action(putRecord);

  apiOptions(
    records
      .command('patch')
      .argument('<collection>')
      .argument('<id>')
      .description('change some fields (null clears)'),
  )
    .addOption(fileOption('the fields to change'))
    .addOption(
      new Option(
        '--if-match <revision>',
        'only if the record is still at this revision (412 otherwise)',
      ).argParser(positiveInt('--if-match')),
    )
    .action(patchRecord);

  apiOptions(
    records.command('delete').argument('<collection>').argument('<id>').description('delete a record'),
  ).action(async (collection: string, id: string, flags: ApiFlags) => {
    await withApi(flags, async (client) =>
      unwrap(
        await client.DELETE('/v1/collections/{collection}/records/{id}', {
          params: { path: { collection, id } },
        }),
      ),
    );
    emit(flags.json, { deleted: id }, () => stdout.line(`Deleted record ${id}.`));
  });

  readOptions(
    records.command('search').argument('<collection>').description('find records by exact values (JSON)'),
  )
    .addOption(fileOption('the values to match ({"field": value})'))
    .addOption(
      new Option('--limit <n>', 'at most this many records (default 200)').argParser(positiveInt('--limit')),
    )
    .action(searchRecords);
}
