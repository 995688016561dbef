#!/usr/bin/env node
/**
 * The `strongroom` command. Flags become configuration through `loadConfig` (the only reader of the environment);
 * errors print a message naming the setting, never a secret value.
 */
import './threadpool.js';
import { Command, Option } from 'commander';
import { type ConfigFlags, cliCredential, isConfigError, loadConfig } from '../config.js';
import { INITIAL_ADMIN_USERNAME } from '../setup/initial-admin.js';
import { initialize } from '../setup/initialize.js';
import { VERSION } from '../version.js';
import { auditCheckpoints, auditExport, auditVerify } from './audit.js';
import { keysJob, keysRotate } from './keys.js';
import { operatorInit, operatorUnseal } from './operator.js';
import { operatorMigrate } from './operator-migrate.js';
import { serve } from './serve.js';

const print = (line: string) => process.stdout.write(`${line}\n`);

function commonOptions(command: Command): Command {
  return command
    .addOption(new Option('--data-dir <dir>', 'data directory (SQLite database, keys, certificates)'))
    .addOption(new Option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent'))
    .addOption(new Option('--tls-cert <file>', 'PEM certificate (chain) to serve instead of the local CA'))
    .addOption(new Option('--tls-key <file>', 'PEM private key of --tls-cert'))
    .addOption(
      new Option('--keyring <mode>', 'root key source: auto (key file or env) or sealed (Shamir shares)'),
    )
    .addOption(new Option('--keyring-file <file>', 'sealed keyring file (default <data-dir>/keyring.json)'));
}

function operatorCommands(program: Command): void {
  const operator = program
    .command('operator')
    .description('sealed keyring: create it, migrate a key file to it, unseal a running server');
  commonOptions(
    operator.command('init').description('create a sealed keyring and print its key shares, once'),
  )
    .addOption(new Option('--shares <n>', 'number of key shares to create (default 5)'))
    .addOption(new Option('--threshold <k>', 'shares needed to unseal (default 3)'))
    .action(async (flags: ConfigFlags & { shares?: string; threshold?: string }) => {
      const { shares, threshold, ...settings } = flags;
      await operatorInit(
        loadConfig(settings, process.env),
        { ...(shares === undefined ? {} : { shares }), ...(threshold === undefined ? {} : { threshold }) },
        print,
      );
    });
  commonOptions(
    operator
      .command('migrate')
      .description(
        'move a data directory from a key file to a sealed keyring (server stopped); prints the shares once',
      ),
  )
    .addOption(new Option('--shares <n>', 'number of key shares to create (default 5)'))
    .addOption(new Option('--threshold <k>', 'shares needed to unseal (default 3)'))
    .action(async (flags: ConfigFlags & { shares?: string; threshold?: string }) => {
      const { shares, threshold, ...settings } = flags;
      await operatorMigrate(
        loadConfig(settings, process.env),
        { ...(shares === undefined ? {} : { shares }), ...(threshold === undefined ? {} : { threshold }) },
        print,
      );
    });
  commonOptions(
    operator
      .command('unseal')
      .description('read one key share from stdin (hidden on a terminal) and submit it to the server'),
  )
    .addOption(new Option('--url <url>', 'server URL (default https://127.0.0.1:<port>)'))
    .addOption(new Option('--port <port>', 'server port for the default URL (default 8443)'))
    .addOption(
      new Option('--ca <file>', 'CA certificate to verify the server (default <data-dir>/tls/ca.pem)'),
    )
    .action(async (flags: ConfigFlags & { url?: string; ca?: string }) => {
      const { url, ca, ...settings } = flags;
      await operatorUnseal(
        loadConfig(settings, process.env),
        { ...(url === undefined ? {} : { url }), ...(ca === undefined ? {} : { ca }) },
        print,
      );
    });
}

function keysCommands(program: Command): void {
  const keys = program.command('keys').description('key rotation on a running server (admin)');
  const client = (command: Command) =>
    commonOptions(command)
      .addOption(new Option('--url <url>', 'server URL (default https://127.0.0.1:<port>)'))
      .addOption(new Option('--port <port>', 'server port for the default URL (default 8443)'))
      .addOption(
        new Option('--ca <file>', 'CA certificate to verify the server (default <data-dir>/tls/ca.pem)'),
      );
  const progress = {
    isTTY: process.stderr.isTTY === true,
    write: (text: string) => process.stderr.write(text),
  };
  client(
    keys
      .command('rotate')
      .description(
        'rotate the master key or a collection key and follow the job (token: STRONGROOM_TOKEN or stdin)',
      ),
  )
    .addOption(new Option('--master', 'rotate the master key (rewraps data keys)'))
    .addOption(new Option('--collection <name>', "rotate a collection's data key (re-encrypts its values)"))
    .addOption(new Option('--index', 'with --collection: rotate its blind index key instead'))
    .action(
      async (
        flags: ConfigFlags & {
          url?: string;
          ca?: string;
          master?: boolean;
          collection?: string;
          index?: boolean;
        },
      ) => {
        const { url, ca, master, collection, index, ...settings } = flags;
        await keysRotate(
          loadConfig(settings, process.env),
          {
            ...(url === undefined ? {} : { url }),
            ...(ca === undefined ? {} : { ca }),
            ...(master === undefined ? {} : { master }),
            ...(collection === undefined ? {} : { collection }),
            ...(index === undefined ? {} : { index }),
          },
          cliCredential(process.env),
          print,
          progress,
        );
      },
    );
  client(keys.command('job').argument('<id>').description('follow a key rotation job to its end')).action(
    async (id: string, flags: ConfigFlags & { url?: string; ca?: string }) => {
      const { url, ca, ...settings } = flags;
      await keysJob(
        loadConfig(settings, process.env),
        id,
        { ...(url === undefined ? {} : { url }), ...(ca === undefined ? {} : { ca }) },
        cliCredential(process.env),
        progress,
      );
    },
  );
}

function auditCommands(program: Command): void {
  const audit = program
    .command('audit')
    .description('audit trail: verify, export, export checkpoints (offline)');
  commonOptions(
    audit
      .command('verify')
      .description('check the hash chain and signed checkpoints; names the first bad seq'),
  )
    .addOption(
      new Option('--checkpoints <file>', 'checkpoint export kept off the host (default: the database)'),
    )
    .action(async (flags: ConfigFlags & { checkpoints?: string }) => {
      const { checkpoints, ...settings } = flags;
      const options = checkpoints === undefined ? {} : { checkpoints };
      process.exitCode = await auditVerify(loadConfig(settings, process.env), options, print);
    });
  commonOptions(audit.command('export').description('events in a time range as JSONL on stdout'))
    .addOption(new Option('--since <time>', 'ISO 8601, inclusive').makeOptionMandatory())
    .addOption(new Option('--until <time>', 'ISO 8601, exclusive'))
    .addOption(new Option('--format <format>', 'jsonl').default('jsonl'))
    .action(async (flags: ConfigFlags & { since?: string; until?: string; format?: string }) => {
      const { since, until, format, ...settings } = flags;
      await auditExport(
        loadConfig(settings, process.env),
        {
          ...(since === undefined ? {} : { since }),
          ...(until === undefined ? {} : { until }),
          ...(format === undefined ? {} : { format }),
        },
        process.stdout,
      );
    });
  commonOptions(
    audit.command('checkpoints').description('write signed checkpoints and public keys to a file'),
  )
    .addOption(new Option('--out <file>', 'where to write them').makeOptionMandatory())
    .action(async (flags: ConfigFlags & { out: string }) => {
      const { out, ...settings } = flags;
      const count = await auditCheckpoints(loadConfig(settings, process.env), out);
      print(`${count} signed checkpoints written to ${out}`);
    });
}

async function run(argv: string[]): Promise<void> {
  const program = new Command('strongroom')
    .version(VERSION)
    .description('Secure-by-default API server for sensitive data');

  commonOptions(program.command('serve').description('initialize if needed and serve the HTTPS API'))
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
        : `Initial password for user "${INITIAL_ADMIN_USERNAME}" is in ${result.initialAdminPasswordFile}`,
    );
  });

  operatorCommands(program);
  auditCommands(program);
  keysCommands(program);
  await program.parseAsync(argv);
}

run(process.argv).catch((error: unknown) => {
  const message = isConfigError(error)
    ? `configuration error: ${error.message}`
    : `error: ${error instanceof Error ? error.message : 'unknown'}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
