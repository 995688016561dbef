#!/usr/bin/env node
/**
 * The `strongroom` command: one registrar per group of commands (commands/*.ts), each command with only its own
 * flags. Server-side commands read their settings through `loadConfig` (the only reader of the environment);
 * client commands use the login session. Errors print a code and a message, never a secret, and the exit status
 * says what kind of failure it was (cli-error.ts, docs/cli.md).
 */
import './threadpool.js';
import { Command } from 'commander';
import { VERSION } from '../version.js';
import { registerCheckCommands } from './check/index.js';
import { describeError, EXIT } from './cli-error.js';
import { registerApiKeyCommands } from './commands/api-key-commands.js';
import { registerAuditCommands } from './commands/audit-commands.js';
import { registerBackupCommands } from './commands/backup-commands.js';
import { registerCollectionCommands } from './commands/collection-commands.js';
import { registerKeyCommands } from './commands/key-commands.js';
import { registerOperatorCommands } from './commands/operator-commands.js';
import { registerPolicyCommands } from './commands/policy-commands.js';
import { registerRecordCommands } from './commands/record-commands.js';
import { registerServerCommands } from './commands/server-commands.js';
import { registerSessionCommands } from './commands/session-commands.js';
import { registerTokenCommands } from './commands/token-commands.js';
import { registerUserCommands } from './commands/user-commands.js';
import { closeStdinPrompter } from './read-secret.js';

function buildProgram(): Command {
  const program = new Command('strongroom')
    .version(VERSION)
    .description('Secure-by-default API server for sensitive data')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerServerCommands(program);
  registerOperatorCommands(program);
  registerSessionCommands(program);
  registerUserCommands(program);
  registerApiKeyCommands(program);
  registerCollectionCommands(program);
  registerRecordCommands(program);
  registerTokenCommands(program);
  registerPolicyCommands(program);
  registerAuditCommands(program);
  registerKeyCommands(program);
  registerBackupCommands(program);
  registerCheckCommands(program);
  // Every subcommand reports usage errors through the handler below, with exit status 2.
  const override = (command: Command) => {
    command.exitOverride();
    command.commands.forEach(override);
  };
  override(program);
  return program;
}

async function run(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } finally {
    closeStdinPrompter();
  }
}

run(process.argv).catch((error: unknown) => {
  // Commander has printed --help, --version and usage errors itself.
  const commander = error as { code?: string; exitCode?: number };
  if (commander.code === 'commander.helpDisplayed' || commander.code === 'commander.version') {
    process.exit(EXIT.ok);
  }
  // A usage error, or a group named without a subcommand (its help went to stderr).
  if (typeof commander.code === 'string' && commander.code.startsWith('commander.')) process.exit(EXIT.usage);
  const { message, exit } = describeError(error);
  process.stderr.write(`error: ${message}\n`);
  process.exit(exit);
});
