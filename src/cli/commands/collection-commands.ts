/**
 * `strongroom collections list | show | create | add-field | drop`. Fields are written `name:type[:flag…]` with
 * the flags `sensitive`, `searchable` and `required` (`email:email:sensitive:searchable`), or given as JSON with
 * `--file`. `drop` destroys the collection's keys (its records can never be read again), so it asks for the
 * collection's name to be typed, unless `--yes`.
 */
import { unwrap } from '@strongroom/client';
import { type Command, Option } from 'commander';
import { CliError } from '../cli-error.js';
import { emit, printFields, printTable, stdout } from '../output.js';
import {
  type ApiFlags,
  apiOptions,
  collect,
  confirmTyped,
  readJsonObject,
  untyped,
  unwrapAny,
  withApi,
} from './shared.js';

type Field = { name: string; type: string; sensitive?: boolean; searchable?: boolean; required?: boolean };
type Collection = { id: string; name: string; fields: Field[]; created_at: string };

const FLAGS = new Set(['sensitive', 'searchable', 'required']);

/** `name:type[:sensitive][:searchable][:required]` as a field definition. */
export function parseFieldSpec(spec: string): Field {
  const [name, type, ...flags] = spec.split(':');
  if (name === undefined || name === '' || type === undefined || type === '') {
    throw new CliError('USAGE', '--field takes NAME:TYPE[:sensitive][:searchable][:required]');
  }
  const field: Field = { name, type };
  for (const flag of flags) {
    if (!FLAGS.has(flag))
      throw new CliError('USAGE', `unknown field flag "${flag}" (sensitive, searchable, required)`);
    field[flag as 'sensitive' | 'searchable' | 'required'] = true;
  }
  return field;
}

function showCollection(flags: ApiFlags, collection: Collection): void {
  emit(flags.json, collection, (value) => {
    printFields(stdout, value, ['name', 'id', 'created_at']);
    stdout.line('');
    printTable(stdout, value.fields, ['name', 'type', 'sensitive', 'searchable', 'required']);
  });
}

async function create(name: string, flags: ApiFlags & { field?: string[]; file?: string }): Promise<void> {
  if ((flags.field === undefined) === (flags.file === undefined)) {
    throw new CliError(
      'USAGE',
      'give the fields with --field NAME:TYPE[:flags] (repeat) or --file FILE (JSON)',
    );
  }
  const fields =
    flags.file === undefined
      ? (flags.field ?? []).map(parseFieldSpec)
      : ((await readJsonObject(flags.file, flags.file)).fields as Field[] | undefined);
  if (!Array.isArray(fields)) throw new CliError('USAGE', `${flags.file} must hold {"fields": [...]}`);
  const created = await withApi(flags, async (client) =>
    unwrap(await client.POST('/v1/collections', { body: { name, fields } as never })),
  );
  showCollection(flags, created as Collection);
}

export function registerCollectionCommands(program: Command): void {
  const collections = program.command('collections').description('collections and their fields');

  apiOptions(collections.command('list').description('every collection')).action(async (flags: ApiFlags) => {
    const { collections: all } = await withApi(flags, async (client) =>
      unwrap(await client.GET('/v1/collections')),
    );
    emit(flags.json, all, (value) =>
      printTable(
        stdout,
        value.map((c) => ({ ...c, fields: c.fields.map((f) => f.name) })),
        ['name', 'fields', 'created_at'],
      ),
    );
  });

  apiOptions(
    collections.command('show').argument('<name>').description('one collection and its fields'),
  ).action(async (name: string, flags: ApiFlags) => {
    const collection = await withApi(flags, async (client) =>
      unwrap(await client.GET('/v1/collections/{collection}', { params: { path: { collection: name } } })),
    );
    showCollection(flags, collection as Collection);
  });

  apiOptions(collections.command('create').argument('<name>').description('declare a collection'))
    .addOption(
      new Option('--field <spec>', 'NAME:TYPE[:sensitive][:searchable][:required] (repeat)').argParser(
        collect,
      ),
    )
    .addOption(new Option('--file <file>', 'the fields as JSON: {"fields": [{"name", "type", …}]}'))
    .action(create);

  apiOptions(
    collections
      .command('add-field')
      .argument('<collection>')
      .argument('<spec>', 'NAME:TYPE[:sensitive][:searchable] (an added field cannot be required)')
      .description('add an optional field; existing records are not rewritten'),
  ).action(async (name: string, spec: string, flags: ApiFlags) => {
    const field = parseFieldSpec(spec);
    const updated = await withApi(flags, async (client) =>
      unwrapAny<Collection>(
        await untyped(client).POST('/v1/collections/{collection}/fields', {
          params: { path: { collection: name } },
          body: field,
        }),
      ),
    );
    showCollection(flags, updated);
  });

  apiOptions(
    collections
      .command('drop')
      .argument('<name>')
      .description('delete a collection with its records and destroy its keys (cannot be undone)'),
  )
    .addOption(new Option('--yes', 'do not ask for the typed confirmation'))
    .action(async (name: string, flags: ApiFlags & { yes?: boolean }) => {
      const dropped = await withApi(flags, async (client) => {
        // Named first, so a typo is NOT_FOUND before anyone is asked to confirm.
        unwrap(await client.GET('/v1/collections/{collection}', { params: { path: { collection: name } } }));
        await confirmTyped(
          name,
          `This deletes every record of ${name} and destroys its keys: they can never be read again.`,
          flags.yes,
        );
        return unwrapAny<{ dropped: string; records: number }>(
          await untyped(client).DELETE('/v1/collections/{collection}', {
            params: { path: { collection: name } },
            body: { confirm: name },
          }),
        );
      });
      emit(flags.json, dropped, (value) =>
        stdout.line(
          `Dropped collection ${value.dropped} (${value.records} records); its keys are destroyed.`,
        ),
      );
    });
}
