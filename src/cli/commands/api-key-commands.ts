/**
 * `strongroom api-keys create | list | revoke`: your own keys, or with `--user` a service account's (an admin
 * mints them). The key itself is printed once, by `create`, and never again.
 */
import { type StrongroomClient, unwrap } from '@strongroom/client';
import { type Command, Option } from 'commander';
import { emit, printFields, printTable, stdout } from '../output.js';
import { type ApiFlags, apiOptions, collect, positiveInt, untyped, unwrapAny, withApi } from './shared.js';
import { findUser } from './user-commands.js';

const COLUMNS = ['id', 'name', 'roles', 'created_at', 'expires_at', 'last_used_at'];

/** A key's roles as a table shows them: null is not "none" but every role its owner holds at each use. */
function shownRoles(key: Record<string, unknown>): Record<string, unknown> {
  return key.roles === null ? { ...key, roles: "(owner's roles)" } : key;
}

interface KeyFlags extends ApiFlags {
  user?: string;
}

async function ownerId(client: StrongroomClient, flags: KeyFlags): Promise<string | null> {
  return flags.user === undefined ? null : (await findUser(client, flags.user)).id;
}

async function createKey(
  name: string,
  flags: KeyFlags & { role?: string[]; expiresIn?: number },
): Promise<void> {
  const body = {
    name,
    ...(flags.role === undefined ? {} : { roles: flags.role }),
    ...(flags.expiresIn === undefined ? {} : { expires_in: flags.expiresIn }),
  };
  const created = await withApi(flags, async (client) => {
    const owner = await ownerId(client, flags);
    return owner === null
      ? (unwrap(await client.POST('/v1/api-keys', { body })) as Record<string, unknown>)
      : unwrapAny(
          await untyped(client).POST('/v1/users/{id}/api-keys', { params: { path: { id: owner } }, body }),
        );
  });
  emit(flags.json, created, (value) => {
    const { key, ...rest } = value;
    printFields(stdout, shownRoles(rest), ['id', 'name', 'roles', 'expires_at']);
    stdout.line('');
    stdout.line('API key (shown this once; store it now, e.g. in your secret manager):');
    stdout.line(String(key));
  });
}

async function listKeys(flags: KeyFlags): Promise<void> {
  const keys = await withApi(flags, async (client) => {
    const owner = await ownerId(client, flags);
    const page =
      owner === null
        ? (unwrap(await client.GET('/v1/api-keys')) as { api_keys: Record<string, unknown>[] })
        : unwrapAny<{ api_keys: Record<string, unknown>[] }>(
            await untyped(client).GET('/v1/users/{id}/api-keys', { params: { path: { id: owner } } }),
          );
    return page.api_keys;
  });
  emit(flags.json, keys, (value) => printTable(stdout, value.map(shownRoles), COLUMNS));
}

async function revokeKey(id: string, flags: KeyFlags): Promise<void> {
  await withApi(flags, async (client) => {
    const owner = await ownerId(client, flags);
    if (owner === null) unwrap(await client.DELETE('/v1/api-keys/{id}', { params: { path: { id } } }));
    else
      unwrapAny(
        await untyped(client).DELETE('/v1/users/{id}/api-keys/{key}', {
          params: { path: { id: owner, key: id } },
        }),
      );
  });
  emit(flags.json, { revoked: id }, () => stdout.line(`Revoked API key ${id}.`));
}

const userOption = () =>
  new Option('--user <user>', 'a service account (id or username) instead of yourself; admins only');

export function registerApiKeyCommands(program: Command): void {
  const keys = program.command('api-keys').description('API keys: yours, or a service account’s (--user)');

  apiOptions(keys.command('create').argument('<name>').description('mint a key; it is printed once'))
    .addOption(userOption())
    .addOption(
      new Option('--role <role>', 'restrict the key to this role (repeat for several)').argParser(collect),
    )
    .addOption(
      new Option('--expires-in <seconds>', 'lifetime in seconds (default 90 days, at most a year)').argParser(
        positiveInt('--expires-in'),
      ),
    )
    .action(createKey);

  apiOptions(keys.command('list').description('live keys (never the key itself)'))
    .addOption(userOption())
    .action(listKeys);

  apiOptions(
    keys.command('revoke').argument('<id>', 'key id (from api-keys list)').description('revoke a key'),
  )
    .addOption(userOption())
    .action(revokeKey);
}
