/**
 * What the client commands share: their three options (`--json`, and `--url`/`--ca` for an API key's server), the
 * connected client, repeatable flags, JSON read from a file or stdin, and typed confirmations.
 */
import fs from 'node:fs';
import { type StrongroomClient, toStrongroomError } from '@strongroom/client';
import { type Command, Option } from 'commander';
import { cliSettings } from '../../config.js';
import { CliError } from '../cli-error.js';
import { type ServerFlags, withClient } from '../connect.js';
import { stdinPrompter } from '../read-secret.js';

export interface ApiFlags extends ServerFlags {
  json?: boolean;
}

/** Adds `--json`, `--url` and `--ca` to a command that calls the API. */
export function apiOptions(command: Command): Command {
  return command
    .addOption(new Option('--json', 'print the server’s answer as JSON'))
    .addOption(new Option('--url <url>', 'server URL (default: the one you logged in to)'))
    .addOption(
      new Option('--ca <file>', 'CA certificate of --url, with STRONGROOM_TOKEN (a login pins its own)'),
    );
}

/** Runs `work` with a client connected as the logged-in user (or STRONGROOM_TOKEN's API key). */
export function withApi<T>(flags: ApiFlags, work: (client: StrongroomClient) => Promise<T>): Promise<T> {
  return withClient(cliSettings(process.env), flags, work);
}

/** Commander's collector for a repeatable option: `--role a --role b` → ['a', 'b']. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** A positive whole number option, refused with its name otherwise. */
export function positiveInt(name: string) {
  return (value: string): number => {
    if (!/^\d{1,9}$/.test(value) || Number(value) < 1) {
      throw new CliError('USAGE', `${name} must be a whole number of at least 1`);
    }
    return Number(value);
  };
}

/** `name=value` pairs (`--attribute tenant_id=acme`) as an object; numbers and booleans stay strings. */
export function parsePairs(pairs: readonly string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const at = pair.indexOf('=');
    if (at < 1) throw new CliError('USAGE', `${flag} takes NAME=VALUE`);
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

/** Reads a JSON object from FILE, or from stdin when FILE is `-`; refuses anything else with where it failed. */
export async function readJsonObject(file: string, what: string): Promise<Record<string, unknown>> {
  const text = file === '-' ? await readAllStdin() : readTextFile(file);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // V8's message may quote the input (a value, maybe sensitive): keep only the position.
    const position = error instanceof SyntaxError ? /at position \d+/.exec(error.message)?.[0] : undefined;
    const where = position === undefined ? '' : ` (${position})`;
    throw new CliError('USAGE', `${what} is not valid JSON${where}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError('USAGE', `${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

export function readTextFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(
      'USAGE',
      `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
  }
}

/** Every line left on stdin, joined. */
export async function readAllStdin(): Promise<string> {
  const prompter = stdinPrompter();
  if (prompter.isTTY)
    throw new CliError('USAGE', 'give the input on standard input (a file or a pipe), or with a file name');
  const lines: string[] = [];
  for (let line = await prompter.line(''); line !== null; line = await prompter.line('')) lines.push(line);
  return lines.join('\n');
}

/**
 * Asks to type `expected` to go on (`--yes` skips it); anything else refuses with DECLINED and nothing happens.
 * Without a terminal, the answer is the next line of stdin.
 */
export async function confirmTyped(expected: string, what: string, yes: boolean | undefined): Promise<void> {
  if (yes === true) return;
  process.stderr.write(`${what}\n`);
  const answer = await stdinPrompter().line(`Type ${JSON.stringify(expected)} to confirm: `);
  if (answer?.trim() !== expected) {
    throw new CliError(
      'DECLINED',
      `not confirmed: nothing was changed (type ${JSON.stringify(expected)}, or pass --yes)`,
    );
  }
}

type LooseInit = {
  params?: { path?: Record<string, string | number>; query?: Record<string, unknown> };
  body?: unknown;
  headers?: Record<string, string>;
  purpose?: string;
};
type LooseResult = { data?: unknown; error?: unknown; response: Response };
type LooseMethod = (path: string, init?: LooseInit) => Promise<LooseResult>;

/**
 * The client's methods without the generated types, for routes newer than the committed client types (their
 * answers are checked by the server's response schemas all the same).
 */
export function untyped(
  client: StrongroomClient,
): Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', LooseMethod> {
  return client as unknown as Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', LooseMethod>;
}

/** The data of an untyped call, or its StrongroomError. */
export function unwrapAny<T = Record<string, unknown>>(result: LooseResult): T {
  if (result.error !== undefined || !result.response.ok)
    throw toStrongroomError(result.error, result.response);
  return result.data as T;
}
