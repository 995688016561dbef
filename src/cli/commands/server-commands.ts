/**
 * `strongroom serve` and `strongroom init`: run on the server's host, configured by flags and STRONGROOM_* variables.
 * The server's modules are imported when one of these runs, so client commands start without loading them.
 */
import { type Command, Option } from 'commander';
import type { ConfigFlags } from '../../config.js';
import { stdout } from '../output.js';
import { configFrom, dataDirOption, keyringOptions, logLevelOption, tlsOptions } from './server-options.js';

const print = (line: string) => stdout.line(line);

export function registerServerCommands(program: Command): void {
  const serveCommand = program.command('serve').description('initialize if needed and serve the HTTPS API');
  keyringOptions(tlsOptions(logLevelOption(dataDirOption(serveCommand))))
    .addOption(
      new Option(
        '--mode <mode>',
        'development (default) or production: refuses development keys, certificates, debug logs',
      ),
    )
    .addOption(new Option('--host <host>', 'address to listen on (default 127.0.0.1)'))
    .addOption(new Option('--port <port>', 'HTTPS port (default 8443)'))
    .addOption(
      new Option(
        '--public-url <url>',
        'https:// URL clients use, for the OpenAPI servers entry (default https://host:port)',
      ),
    )
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
    .action(async (flags: ConfigFlags) => {
      const { serve } = await import('../serve.js');
      await serve(configFrom(flags), print);
    });

  const initCommand = program
    .command('init')
    .description('create the data directory, keys, certificate and initial admin');
  keyringOptions(tlsOptions(dataDirOption(initCommand))).action(async (flags: ConfigFlags) => {
    const { initialize } = await import('../../setup/initialize.js');
    const { INITIAL_ADMIN_USERNAME } = await import('../../setup/initial-admin.js');
    const result = await initialize(configFrom(flags));
    print(`Data directory: ${result.dataDir}`);
    print(`Master key: ${result.masterKeySource}${result.masterKeyCreated ? ' (created)' : ''}`);
    if (result.tls.caCertPath !== null) print(`Local CA certificate: ${result.tls.caCertPath}`);
    print(
      result.initialAdminPasswordFile === null
        ? 'Users already exist; no initial admin created'
        : `Initial password for user "${INITIAL_ADMIN_USERNAME}" is in ${result.initialAdminPasswordFile}`,
    );
  });
}
