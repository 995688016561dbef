/** `strongroom serve` and `strongroom init`: run on the server's host, configured by flags and STRONGROOM_* variables. */
import { type Command, Option } from 'commander';
import type { ConfigFlags } from '../../config.js';
import { INITIAL_ADMIN_USERNAME } from '../../setup/initial-admin.js';
import { initialize } from '../../setup/initialize.js';
import { stdout } from '../output.js';
import { serve } from '../serve.js';
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
    .action(async (flags: ConfigFlags) => serve(configFrom(flags), print));

  const initCommand = program
    .command('init')
    .description('create the data directory, keys, certificate and initial admin');
  keyringOptions(tlsOptions(dataDirOption(initCommand))).action(async (flags: ConfigFlags) => {
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
