/**
 * A `@strongroom/client` for one CLI command: from the logged-in session (session-file.ts), whose refresh token is
 * spent once per command and the new one stored before anything else is sent, or from an API key in
 * STRONGROOM_TOKEN. The access token lives in this process's memory only.
 * Invariants: tokens and keys go to the client and the session file only, never to output or an error; the CA
 * pinned at login is the only one trusted for that server.
 */
import fs from 'node:fs';
import { createClient, type StrongroomClient, StrongroomError } from '@strongroom/client';
import type { CliSettings } from '../config.js';
import { CliError, withApiKeyAdvice } from './cli-error.js';
import {
  deleteSession,
  readSession,
  type StoredSession,
  withSessionLock,
  writeSession,
} from './session-file.js';

export interface ServerFlags {
  /** Overrides the session's server (with an API key: names it). */
  url?: string;
  /** CA certificate file, for an API key's server (a session keeps the CA it logged in with). */
  ca?: string;
}

/** Reads `--ca FILE`, saying which file could not be read and how to fix it. */
export function readCaFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new CliError(
      'USAGE',
      `cannot read the CA certificate ${file} (${why}); pass a readable PEM file with --ca`,
    );
  }
}

/** Checks `--url`: https only, so no credential ever crosses the network in clear. */
export function checkServerUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError('USAGE', '--url must be a URL such as https://127.0.0.1:8443');
  }
  if (parsed.protocol !== 'https:') {
    throw new CliError('USAGE', '--url must be an https:// URL: credentials never travel in clear');
  }
  return parsed.origin + parsed.pathname.replace(/\/$/, '');
}

/**
 * A client that writes every new refresh token of its session to the session file, and refreshes under the session
 * lock with the token stored now (another command may have rotated it since this one resumed). A file that holds
 * another server's or user's session is never read for a token: that token would be sent to the wrong server.
 */
export function sessionClient(settings: CliSettings, session: Omit<StoredSession, 'refreshToken'>) {
  return createClient({
    baseUrl: session.url,
    ...(session.ca === null ? {} : { ca: session.ca }),
    onRefreshToken: (refreshToken) => writeSession(settings.configDir, { ...session, refreshToken }),
    sharedRefreshToken: {
      withLock: (work) => withSessionLock(settings.configDir, work),
      latest: () => {
        const stored = readSession(settings.configDir);
        return stored !== null && stored.url === session.url && stored.username === session.username
          ? stored.refreshToken
          : null;
      },
    },
  });
}

async function resumeSession(settings: CliSettings): Promise<StrongroomClient> {
  return withSessionLock(settings.configDir, async () => {
    const stored = readSession(settings.configDir);
    if (stored === null) {
      throw new CliError(
        'NOT_LOGGED_IN',
        'not logged in: run `strongroom login --url https://HOST:PORT [--ca FILE]` first',
      );
    }
    const { refreshToken, ...session } = stored;
    const client = sessionClient(settings, session);
    try {
      await client.resume(refreshToken);
    } catch (error) {
      await client.close();
      if (error instanceof StrongroomError && error.code === 'INVALID_REFRESH_TOKEN') {
        // Spent, expired or revoked: the file can never work again.
        deleteSession(settings.configDir);
        throw new CliError(
          'NOT_LOGGED_IN',
          `the session of ${session.username} at ${session.url} has ended (expired, logged out or revoked): log in again`,
        );
      }
      throw error;
    }
    return client;
  });
}

/**
 * A client for STRONGROOM_TOKEN's key. The server is `--url`, else the logged-in session's; the CA is `--ca`, else
 * the one the session pinned when the server is the session's (the session's token is not used: only its CA, which
 * says who that server is), else the system trust store.
 */
function apiKeyClient(apiKey: string, stored: StoredSession | null, flags: ServerFlags): StrongroomClient {
  const given = flags.url ?? stored?.url;
  if (given === undefined) {
    throw new CliError('USAGE', 'with STRONGROOM_TOKEN, give the server with --url https://HOST:PORT');
  }
  const url = checkServerUrl(given);
  const ca =
    flags.ca !== undefined ? readCaFile(flags.ca) : stored !== null && stored.url === url ? stored.ca : null;
  return createClient({ baseUrl: url, apiKey, ...(ca === null ? {} : { ca }) });
}

/** The client a command uses: STRONGROOM_TOKEN's API key if set, else the stored session. */
export async function connect(settings: CliSettings, flags: ServerFlags): Promise<StrongroomClient> {
  if (settings.apiKey !== null) return apiKeyClient(settings.apiKey, readSession(settings.configDir), flags);
  if (flags.url !== undefined || flags.ca !== undefined) {
    const stored = readSession(settings.configDir);
    if (stored !== null && flags.url !== undefined && checkServerUrl(flags.url) !== stored.url) {
      throw new CliError(
        'USAGE',
        `logged in to ${stored.url}, not ${flags.url}: log in there first (or drop --url)`,
      );
    }
  }
  return resumeSession(settings);
}

/** Runs `work` with a connected client, and closes it. */
export async function withClient<T>(
  settings: CliSettings,
  flags: ServerFlags,
  work: (client: StrongroomClient) => Promise<T>,
): Promise<T> {
  const client = await connect(settings, flags);
  try {
    return await work(client);
  } catch (error) {
    throw settings.apiKey === null ? error : withApiKeyAdvice(error);
  } finally {
    await client.close();
  }
}
