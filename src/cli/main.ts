#!/usr/bin/env node
/**
 * The `strongroom` command. Flags become configuration through `loadConfig` (the only reader of the environment);
 * errors print a message naming the setting, never a secret value.
 */
import './threadpool.js';
import { Command, Option } from 'commander';
import { ConfigError, type ConfigFlags, loadConfig } from '../config.js';
import { initialize } from '../setup/initialize.js';
import { VERSION } from '../version.js';
import { serve } from './serve.js';

const print = (line: string) => process.stdout.write(`${line}\n`);

function commonOptions(command: Command): Command {
  return command
    .addOption(new Option('--data-dir <dir>', 'data directory (SQLite database, keys, certificates)'))
    .addOption(new Option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent'))
    .addOption(new Option('--tls-cert <file>', 'PEM certificate (chain) to serve instead of the local CA'))
    .addOption(new Option('--tls-key <file>', 'PEM private key of --tls-cert'));
}

async function run(argv: string[]): Promise<void> {
  const program = new Command('strongroom')
    .version(VERSION)
    .description('Secure-by-default API server for sensitive data');

  commonOptions(program.command('serve').description('initialize if needed and serve the HTTPS API'))
    .addOption(new Option('--host <host>', 'address to listen on (default 127.0.0.1)'))
    .addOption(new Option('--port <port>', 'HTTPS port (default 8443)'))
    .addOption(
      new Option(
        '--http-port <port>',
        'optional plain-HTTP port that only answers 426 and revokes credentials',
      ),
    )
    .addOption(
      new Option(
        '--trust-proxy <value>',
        'behind a TLS-terminating proxy: "true" or the proxy addresses/CIDRs',
      ),
    )
    .action(async (flags: ConfigFlags) => serve(loadConfig(flags, process.env), print));

  commonOptions(
    program.command('init').description('create the data directory, keys, certificate and initial admin'),
  ).action(async (flags: ConfigFlags) => {
    const result = await initialize(loadConfig(flags, process.env));
    print(`Data directory: ${result.dataDir}`);
    print(`Master key: ${result.masterKeySource}${result.masterKeyCreated ? ' (created)' : ''}`);
    if (result.tls.caCertPath !== null) print(`Local CA certificate: ${result.tls.caCertPath}`);
    print(
      result.initialAdminPasswordFile === null
        ? 'Users already exist; no initial admin created'
        : `Initial password for user "admin" is in ${result.initialAdminPasswordFile}`,
    );
  });

  await program.parseAsync(argv);
}

run(process.argv).catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? `configuration error: ${error.message}`
      : `error: ${error instanceof Error ? error.message : 'unknown'}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
