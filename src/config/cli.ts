/**
 * Settings of the CLI's client commands (login, users, records…), read from the environment like every other
 * setting: where the session file lives, and an API key to use instead of a session.
 */
import os from 'node:os';
import path from 'node:path';
import { isOpaqueToken } from '@strongroom/redact';
import { configError } from './reader.js';

export interface CliSettings {
  /** `$XDG_CONFIG_HOME/strongroom`, else `~/.config/strongroom`: holds the session file (0700). */
  configDir: string;
  /** STRONGROOM_TOKEN: an API key (`srk_…`) used instead of the logged-in session; null when unset. */
  apiKey: string | null;
}

/** The CLI's client settings from `env` (XDG_CONFIG_HOME, HOME, STRONGROOM_TOKEN). */
export function cliSettings(env: NodeJS.ProcessEnv): CliSettings {
  const xdg = env.XDG_CONFIG_HOME?.trim();
  // The XDG spec ignores a relative XDG_CONFIG_HOME.
  const base =
    xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(env.HOME?.trim() || os.homedir(), '.config');
  const token = env.STRONGROOM_TOKEN?.trim();
  // The whole format, checksum included, before the key goes anywhere: a character a header cannot carry would
  // otherwise come back inside the HTTP library's error message, key and all. The message never repeats the value.
  if (token !== undefined && token !== '' && !isOpaqueToken(token, 'srk')) {
    throw configError(
      'CONFIG_INVALID_VALUE',
      'token',
      token.startsWith('srk_')
        ? 'STRONGROOM_TOKEN is not a whole Strongroom API key (srk_ and 49 letters and digits, checksum included): copy it again'
        : 'STRONGROOM_TOKEN must be an API key (srk_…); for a session use `strongroom login`',
    );
  }
  return {
    configDir: path.join(base, 'strongroom'),
    apiKey: token === undefined || token === '' ? null : token,
  };
}
