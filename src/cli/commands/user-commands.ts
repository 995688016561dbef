/**
 * `strongroom users list | create | show | update | disable | enable | delete | reset-password`. A user is named by
 * id or username. Passwords are asked without echo (or read from stdin), never arguments; a reset's one-time
 * password is printed once, for the admin to hand over.
 */
import { type StrongroomClient, unwrap } from '@strongroom/client';
import { type Command, Option } from 'commander';
import { CliError } from '../cli-error.js';
import { emit, printFields, printTable, stdout } from '../output.js';
import { stdinPrompter } from '../read-secret.js';
import {
  type ApiFlags,
  apiOptions,
  collect,
  confirmTyped,
  parsePairs,
  untyped,
  unwrapAny,
  withApi,
} from './shared.js';

type User = Record<string, unknown> & { id: string; username: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLUMNS = ['id', 'username', 'roles', 'service', 'disabled', 'created_at'];
const FIELDS = [
  'id',
  'username',
  'roles',
  'service',
  'disabled',
  'subject',
  'attributes',
  'created_at',
  'updated_at',
];

async function listUsers(client: StrongroomClient): Promise<User[]> {
  const users: User[] = [];
  let cursor: string | undefined;
  do {
    const page = unwrap(
      await client.GET('/v1/users', {
        params: { query: { limit: 100, ...(cursor === undefined ? {} : { cursor }) } },
      }),
    );
    users.push(...(page.users as User[]));
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return users;
}

/** The user with this id or username; NOT_FOUND (exit 5) naming what was looked for otherwise. */
export async function findUser(client: StrongroomClient, who: string): Promise<User> {
  if (UUID.test(who))
    return unwrap(await client.GET('/v1/users/{id}', { params: { path: { id: who } } })) as User;
  const found = (await listUsers(client)).find((user) => user.username === who);
  if (found === undefined) throw new CliError('NOT_FOUND', `no user named ${JSON.stringify(who)}`);
  return found;
}

function showUser(flags: ApiFlags, user: User): void {
  emit(flags.json, user, (value) => printFields(stdout, value, FIELDS));
}

interface ChangeFlags extends ApiFlags {
  role?: string[];
  subject?: string;
  subjectClear?: boolean;
  attribute?: string[];
}

function changes(flags: ChangeFlags): Record<string, unknown> {
  if (flags.subject !== undefined && flags.subjectClear === true) {
    throw new CliError('USAGE', 'give --subject or --no-subject, not both');
  }
  const attributes = parsePairs(flags.attribute, '--attribute');
  return {
    ...(flags.role === undefined ? {} : { roles: flags.role }),
    ...(flags.subject === undefined ? {} : { subject: flags.subject }),
    ...(flags.subjectClear === true ? { subject: null } : {}),
    ...(Object.keys(attributes).length === 0 ? {} : { attributes }),
  };
}

async function patchUser(flags: ApiFlags, who: string, body: Record<string, unknown>): Promise<void> {
  const user = await withApi(flags, async (client) => {
    const { id } = await findUser(client, who);
    return unwrap(await client.PATCH('/v1/users/{id}', { params: { path: { id } }, body })) as User;
  });
  showUser(flags, user);
}

async function createUser(username: string, flags: ChangeFlags & { service?: boolean }): Promise<void> {
  const body: Record<string, unknown> = { username, ...changes(flags) };
  if (flags.service === true) body.service = true;
  else {
    const password = await stdinPrompter().secret(`Password for ${username} (not echoed): `);
    if (password === null || password === '') throw new CliError('USAGE', 'no password given');
    body.password = password;
  }
  const user = await withApi(flags, async (client) =>
    unwrapAny<User>(await untyped(client).POST('/v1/users', { body })),
  );
  showUser(flags, user);
}

async function resetPassword(who: string, flags: ApiFlags): Promise<void> {
  const answer = await withApi(flags, async (client) => {
    const { id, username } = await findUser(client, who);
    const reply = unwrapAny<Record<string, unknown>>(
      await untyped(client).POST('/v1/users/{id}/password-reset', { params: { path: { id } } }),
    );
    return { ...reply, username } as { username: string; one_time_password: string };
  });
  emit(flags.json, answer, (value) => {
    stdout.line(`One-time password for ${value.username} (shown once; they must change it at first login):`);
    stdout.line(value.one_time_password);
  });
}

function changeOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--role <role>', 'a role (repeat for several); replaces the roles').argParser(collect),
    )
    .addOption(new Option('--subject <id>', 'the application’s id of the person this user is'))
    .addOption(
      new Option('--attribute <name=value>', 'a policy attribute (repeat for several)').argParser(collect),
    );
}

export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('user accounts (admin)');

  apiOptions(users.command('list').description('every user')).action(async (flags: ApiFlags) => {
    const all = await withApi(flags, listUsers);
    emit(flags.json, all, (value) => printTable(stdout, value, COLUMNS));
  });

  changeOptions(
    apiOptions(
      users
        .command('create')
        .argument('<username>')
        .description(
          'create a user; the password is asked for (not echoed), or read from the first line of stdin (none with --service)',
        ),
    ),
  )
    .addOption(
      new Option('--service', 'a service account: no password, it works with API keys an admin mints'),
    )
    .action(createUser);

  apiOptions(users.command('show').argument('<user>', 'id or username').description('one user')).action(
    async (who: string, flags: ApiFlags) =>
      showUser(flags, await withApi(flags, (client) => findUser(client, who))),
  );

  changeOptions(
    apiOptions(
      users
        .command('update')
        .argument('<user>', 'id or username')
        .description('change roles, subject, attributes'),
    ),
  )
    .addOption(new Option('--no-subject', 'unlink the subject').default(undefined))
    .action(async (who: string, flags: Omit<ChangeFlags, 'subject'> & { subject?: string | false }) => {
      const { subject, ...rest } = flags;
      const body = changes({
        ...rest,
        ...(typeof subject === 'string' ? { subject } : {}),
        subjectClear: subject === false,
      });
      if (Object.keys(body).length === 0)
        throw new CliError('USAGE', 'give something to change: --role, --subject, --attribute');
      await patchUser(flags, who, body);
    });

  apiOptions(
    users
      .command('disable')
      .argument('<user>', 'id or username')
      .description('disable a user (ends their sessions)'),
  ).action((who: string, flags: ApiFlags) => patchUser(flags, who, { disabled: true }));
  apiOptions(
    users.command('enable').argument('<user>', 'id or username').description('enable a disabled user'),
  ).action((who: string, flags: ApiFlags) => patchUser(flags, who, { disabled: false }));

  apiOptions(
    users.command('delete').argument('<user>', 'id or username').description('delete a user and their keys'),
  )
    .addOption(new Option('--yes', 'do not ask for confirmation'))
    .action(async (who: string, flags: ApiFlags & { yes?: boolean }) => {
      await withApi(flags, async (client) => {
        const { id, username } = await findUser(client, who);
        await confirmTyped(username, `This deletes ${username} with their sessions and API keys.`, flags.yes);
        unwrap(await client.DELETE('/v1/users/{id}', { params: { path: { id } } }));
      });
      emit(flags.json, { deleted: who }, () => stdout.line(`Deleted ${who}.`));
    });

  apiOptions(
    users
      .command('reset-password')
      .argument('<user>', 'id or username')
      .description('give a user a one-time password (printed once) they must change at first login'),
  ).action(resetPassword);
}
