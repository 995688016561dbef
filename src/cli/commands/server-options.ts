/**
 * The configuration flags of the commands that run on the server's host (serve, init, operator, audit), in small
 * sets so each command's help lists only the flags it reads. Each becomes a setting through `loadConfig`, which
 * also reads the STRONGROOM_* variables (the database URL, Redis, keys…) for everything not given as a flag.
 */
import { type Command, Option } from 'commander';
import { type Config, type ConfigFlags, loadConfig } from '../../config.js';

export function dataDirOption(command: Command): Command {
  return command.addOption(
    new Option('--data-dir <dir>', 'data directory (SQLite database, keys, certificates; default ./data)'),
  );
}

export function keyringOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--keyring <mode>', 'root key source: auto (key file or env) or sealed (Shamir shares)'),
    )
    .addOption(new Option('--keyring-file <file>', 'sealed keyring file (default <data-dir>/keyring.json)'));
}

export function tlsOptions(command: Command): Command {
  return command
    .addOption(new Option('--tls-cert <file>', 'PEM certificate (chain) to serve instead of the local CA'))
    .addOption(new Option('--tls-key <file>', 'PEM private key of --tls-cert'));
}

export function logLevelOption(command: Command): Command {
  return command.addOption(new Option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent'));
}

export function splitOptions(command: Command): Command {
  return command
    .addOption(new Option('--shares <n>', 'number of key shares to create (default 5)'))
    .addOption(new Option('--threshold <k>', 'shares needed to unseal (default 3)'));
}

/** The configuration from these flags and the environment (the one place the CLI reads it). */
export function configFrom(flags: ConfigFlags): Readonly<Config> {
  return loadConfig(flags, process.env);
}

/** `flags` without the given names (the command's own, which are not settings), and those picked out. */
export function splitFlags<T extends Record<string, unknown>, K extends string>(
  flags: T,
  names: readonly K[],
): { own: Partial<Record<K, string>>; settings: ConfigFlags } {
  const own: Partial<Record<K, string>> = {};
  const settings: ConfigFlags = {};
  for (const [name, value] of Object.entries(flags)) {
    if ((names as readonly string[]).includes(name)) {
      if (value !== undefined) own[name as K] = String(value);
    } else settings[name] = value as ConfigFlags[string];
  }
  return { own, settings };
}
