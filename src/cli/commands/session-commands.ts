/**
 * `strongroom login | logout | whoami | passwd`: the session the other client commands use.
 * The password is typed without echo on a terminal, or read from stdin (first line: password; `passwd` reads the
 * current and the new one on two lines); never an argument. The refresh token goes to the session file only.
 */
import { StrongroomError, unwrap } from '@strongroom/client';
import { type Command, Option } from 'commander';
import { cliSettings } from '../../config.js';
import { CliError } from '../cli-error.js';
import { checkServerUrl, connect, readCaFile, sessionClient } from '../connect.js';
import { emit, printFields, stdout } from '../output.js';
import { stdinPrompter } from '../read-secret.js';
import { deleteSession, readSession, sessionPath, withSessionLock } from '../session-file.js';
import { type ApiFlags, apiOptions, withApi } from './shared.js';

async function required(answer: Promise<string | null>, what: string): Promise<string> {
  const value = (await answer)?.replace(/\r$/, '');
  if (value === undefined || value === '') throw new CliError('USAGE', `no ${what} given`);
  return value;
}

async function login(flags: { url: string; ca?: string; username?: string }): Promise<void> {
  const settings = cliSettings(process.env);
  const url = checkServerUrl(flags.url);
  const ca = flags.ca === undefined ? null : readCaFile(flags.ca);
  const prompter = stdinPrompter();
  const username = flags.username ?? (await required(prompter.line('Username: '), 'username')).trim();
  const password = await required(prompter.secret('Password (not echoed): '), 'password');
  await withSessionLock(settings.configDir, async () => {
    const client = sessionClient(settings, { url, ca, username });
    try {
      await client.login({ username, password });
    } finally {
      await client.close();
    }
  });
  stdout.line(
    `Logged in to ${url} as ${username}; the session is kept in ${sessionPath(settings.configDir)}`,
  );
}

async function logout(): Promise<void> {
  const settings = cliSettings(process.env);
  if (readSession(settings.configDir) === null) {
    stdout.line('Not logged in.');
    return;
  }
  try {
    const client = await connect({ ...settings, apiKey: null }, {});
    try {
      await client.logout();
    } finally {
      await client.close();
    }
    stdout.line('Logged out: the session is revoked at the server.');
  } catch (error) {
    // A session that already ended needs no revoking; its file is gone (connect deletes it).
    if (!(error instanceof CliError && error.code === 'NOT_LOGGED_IN')) throw error;
    stdout.line('The session had already ended.');
  } finally {
    deleteSession(settings.configDir);
  }
}

async function changePassword(flags: ApiFlags): Promise<void> {
  const prompter = stdinPrompter();
  await withApi(flags, async (client) => {
    const current = await required(prompter.secret('Current password (not echoed): '), 'current password');
    const next = await required(prompter.secret('New password (not echoed): '), 'new password');
    if (prompter.isTTY && (await prompter.secret('New password again: ')) !== next) {
      throw new CliError('USAGE', 'the two new passwords differ: nothing was changed');
    }
    unwrap(await client.PUT('/v1/me/password', { body: { current_password: current, new_password: next } }));
    // Ends this session too, if the change left it alive: the new password is what opens the next one.
    await client.logout().catch(() => undefined);
  });
  // A password change ends the user's sessions: the stored one no longer works.
  deleteSession(cliSettings(process.env).configDir);
  stdout.line('Password changed. Your sessions have ended: log in again with `strongroom login`.');
}

export function registerSessionCommands(program: Command): void {
  program
    .command('login')
    .description(
      'log in to a server; the session is kept in a private file under $XDG_CONFIG_HOME/strongroom (default ~/.config/strongroom)',
    )
    .addOption(new Option('--url <url>', 'server URL, e.g. https://127.0.0.1:8443').makeOptionMandatory())
    .addOption(
      new Option(
        '--ca <file>',
        'CA certificate of the server (a development server’s: <data-dir>/tls/ca.pem)',
      ),
    )
    .addOption(
      new Option('--username <name>', 'user to log in as (default: asked, or the first line of stdin)'),
    )
    .action(login);

  program
    .command('logout')
    .description('revoke the session at the server and delete its file')
    .action(logout);

  apiOptions(program.command('whoami').description('the logged-in user and roles')).action(
    async (flags: ApiFlags) => {
      const me = await withApi(flags, async (client) => unwrap(await client.GET('/v1/me')));
      emit(flags.json, me, (value) => printFields(stdout, value as unknown as Record<string, unknown>));
    },
  );

  apiOptions(
    program
      .command('passwd')
      .description('change your password (asked without echo, or current and new on two lines of stdin)'),
  ).action(async (flags: ApiFlags) => {
    try {
      await changePassword(flags);
    } catch (error) {
      if (error instanceof StrongroomError && error.code === 'INVALID_CREDENTIALS') {
        throw new CliError('USAGE', 'the current password is wrong: nothing was changed');
      }
      throw error;
    }
  });
}
