/**
 * `strongroom tokens create | detokenize`. A token is made from a stored field (`--collection --record --field`)
 * or from a value of a field type (`--type`, the value read from stdin, never an argument). `detokenize` reads
 * tokens from stdin, one a line, and prints their values in the same order.
 */
import { unwrap } from '@strongroom/client';
import { type Command, Option } from 'commander';
import { CliError } from '../cli-error.js';
import { emit, printTable, stdout } from '../output.js';
import { stdinPrompter } from '../read-secret.js';
import { type ApiFlags, apiOptions, readAllStdin, withApi } from './shared.js';

const KINDS = ['random', 'deterministic', 'format_preserving'];
const MAX_TOKENS = 100;

interface CreateFlags extends ApiFlags {
  kind: string;
  collection?: string;
  record?: string;
  field?: string;
  type?: string;
  purpose?: string;
}

async function sourceOf(flags: CreateFlags): Promise<Record<string, unknown>> {
  const stored = [flags.collection, flags.record, flags.field];
  if (flags.type !== undefined) {
    if (stored.some((value) => value !== undefined)) {
      throw new CliError(
        'USAGE',
        'give --type (the value on stdin) or --collection --record --field, not both',
      );
    }
    const value = await stdinPrompter().secret('Value (not echoed): ');
    if (value === null || value === '') throw new CliError('USAGE', 'no value given on standard input');
    return { type: flags.type, value };
  }
  if (stored.some((value) => value === undefined)) {
    throw new CliError('USAGE', 'give --collection, --record and --field (a stored field), or --type');
  }
  return { source: { collection: flags.collection, record: flags.record, field: flags.field } };
}

async function createToken(flags: CreateFlags): Promise<void> {
  if (!KINDS.includes(flags.kind)) throw new CliError('USAGE', `--kind must be one of ${KINDS.join(', ')}`);
  const body = { kind: flags.kind, ...(await sourceOf(flags)) };
  const created = await withApi(flags, async (client) =>
    unwrap(
      await client.POST('/v1/tokens', {
        body: body as never,
        ...(flags.purpose === undefined ? {} : { purpose: flags.purpose }),
      }),
    ),
  );
  emit(flags.json, created, (value) => stdout.line(value.token));
}

async function detokenize(flags: ApiFlags & { purpose?: string }): Promise<void> {
  const tokens = (await readAllStdin())
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (tokens.length === 0) throw new CliError('USAGE', 'give the tokens on standard input, one a line');
  if (tokens.length > MAX_TOKENS) throw new CliError('USAGE', `at most ${MAX_TOKENS} tokens at once`);
  const { values } = await withApi(flags, async (client) =>
    unwrap(
      await client.POST('/v1/tokens/detokenize', {
        body: { tokens },
        ...(flags.purpose === undefined ? {} : { purpose: flags.purpose }),
      }),
    ),
  );
  emit(flags.json, values, (list) =>
    printTable(
      stdout,
      list.map((entry, i) => ({ line: i + 1, type: entry.type, value: entry.value ?? entry.error })),
      ['line', 'type', 'value'],
    ),
  );
}

export function registerTokenCommands(program: Command): void {
  const tokens = program.command('tokens').description('tokenization');
  const purpose = () => new Option('--purpose <purpose>', 'why you access the data (X-Access-Purpose)');

  apiOptions(tokens.command('create').description('make a token from a stored field or a value (stdin)'))
    .addOption(new Option('--kind <kind>', KINDS.join(' | ')).default('random'))
    .addOption(new Option('--collection <name>', 'collection of the stored field'))
    .addOption(new Option('--record <id>', 'record of the stored field'))
    .addOption(new Option('--field <name>', 'the stored sensitive field'))
    .addOption(new Option('--type <type>', 'field type of a value read from stdin (email, card_number, …)'))
    .addOption(purpose())
    .action(createToken);

  apiOptions(tokens.command('detokenize').description('the values behind tokens read from stdin, one a line'))
    .addOption(purpose())
    .action(detokenize);
}
