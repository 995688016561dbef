/**
 * `strongroom operator init | migrate | unseal`: the sealed keyring (operator.ts, operator-migrate.ts), imported
 * when one of them runs.
 */
import { type Command, Option } from 'commander';
import { stdout } from '../output.js';
import { configFrom, dataDirOption, keyringOptions, splitFlags, splitOptions } from './server-options.js';

const print = (line: string) => stdout.line(line);

export function registerOperatorCommands(program: Command): void {
  const operator = program
    .command('operator')
    .description('sealed keyring: create it, migrate a key file to it, unseal a running server');

  splitOptions(
    keyringOptions(
      dataDirOption(
        operator.command('init').description('create a sealed keyring and print its key shares, once'),
      ),
    ),
  ).action(async (flags: Record<string, unknown>) => {
    const { own, settings } = splitFlags(flags, ['shares', 'threshold']);
    const { operatorInit } = await import('../operator.js');
    await operatorInit(configFrom(settings), own, print);
  });

  splitOptions(
    keyringOptions(
      dataDirOption(
        operator
          .command('migrate')
          .description(
            'move a data directory from a key file to a sealed keyring (server stopped); prints the shares once',
          ),
      ),
    ),
  ).action(async (flags: Record<string, unknown>) => {
    const { own, settings } = splitFlags(flags, ['shares', 'threshold']);
    const { operatorMigrate } = await import('../operator-migrate.js');
    await operatorMigrate(configFrom(settings), own, print);
  });

  dataDirOption(
    operator
      .command('unseal')
      .description('read one key share from stdin (hidden on a terminal) and submit it to the server'),
  )
    .addOption(new Option('--url <url>', 'server URL (default https://127.0.0.1:<port>)'))
    .addOption(new Option('--port <port>', 'server port for the default URL (default 8443)'))
    .addOption(
      new Option('--ca <file>', 'CA certificate to verify the server (default <data-dir>/tls/ca.pem)'),
    )
    .action(async (flags: Record<string, unknown>) => {
      const { own, settings } = splitFlags(flags, ['url', 'ca']);
      const { operatorUnseal } = await import('../operator.js');
      await operatorUnseal(configFrom(settings), own, print);
    });
}
