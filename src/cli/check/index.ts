/**
 * `strongroom check logs FILE...` and `strongroom check openapi SPEC` (and `check url` and `check deployment`, in
 * their own files): the CLI face of src/check. Each prints a report (`--format table|json|sarif`) on stdout and
 * exits 0 when nothing at or above `--fail-on` was found, 1 when something was, 2 when the check could not run
 * (the error names the input, never a value from it).
 */
import fs from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { CheckInputError, isCheckInputError } from '../../check/check-error.js';
import type { CheckReport, Severity } from '../../check/finding.js';
import { SEVERITIES } from '../../check/finding.js';
import { FORMATS, formatReport, type ReportFormat } from '../../check/format.js';
import { EXIT_ERROR, exitCodeFor } from '../../check/severity.js';
import { VERSION } from '../../version.js';
import { registerCheckDeployment } from './deployment-command.js';
import { registerCheckUrl } from './url-command.js';

// The checkers (and their parsers: yaml, jsonc-parser, the $ref resolver) load only when a check runs, so they
// add nothing to the start of every other command.
const checkers = () => import('../../check/index.js');

interface ReportFlags {
  format: ReportFormat;
  failOn: Severity;
}

function reportOptions(command: Command): Command {
  return command
    .addOption(new Option('--format <format>', 'report format').choices(FORMATS).default('table'))
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe')
        .choices(SEVERITIES)
        .default('high'),
    );
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** Prints the report and sets the exit code; a check that could not run prints why and exits 2. */
async function runCheck(flags: ReportFlags, check: () => Promise<CheckReport>): Promise<void> {
  let report: CheckReport;
  try {
    report = await check();
  } catch (error) {
    if (!isCheckInputError(error)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = EXIT_ERROR;
    return;
  }
  process.stdout.write(formatReport(report, flags.format, VERSION));
  process.exitCode = exitCodeFor(report, flags.failOn);
}

export function registerCheckCommands(program: Command): void {
  const check = program
    .command('check')
    .description(
      'audit deployments, logs, OpenAPI documents and live HTTPS APIs against the practices Strongroom enforces (docs/checks.md)',
    );

  reportOptions(
    check
      .command('logs')
      .argument('[files...]', 'log files (plain text or JSON lines, gzip detected); none or - for stdin')
      .description('find secrets and personal data in logs; reports file, line and kind, never the value'),
  )
    .addOption(
      new Option('--redact <out>', 'write a redacted copy (a directory when several files are given)'),
    )
    .addOption(
      new Option('--max-findings <n>', 'findings listed in detail (all are counted)').argParser(positiveInt),
    )
    .action(async (files: string[], flags: ReportFlags & { redact?: string; maxFindings?: number }) => {
      await runCheck(flags, async () =>
        (await checkers()).checkLogs({
          files,
          stdin: process.stdin,
          ...(flags.redact === undefined ? {} : { redact: flags.redact }),
          ...(flags.maxFindings === undefined ? {} : { findingLimit: flags.maxFindings }),
        }),
      );
    });

  reportOptions(
    check
      .command('openapi')
      .argument('<spec>', 'OpenAPI 3.0/3.1 document: a file or an https:// URL, JSON or YAML')
      .description('find credential leaks, missing security and unbounded inputs in an OpenAPI document'),
  )
    .addOption(new Option('--ca <file>', 'extra CA certificate (PEM) to trust for an https spec URL'))
    .action(async (spec: string, flags: ReportFlags & { ca?: string }) => {
      await runCheck(flags, async () => {
        const ca =
          flags.ca === undefined
            ? undefined
            : await fs.promises.readFile(flags.ca).catch(() => {
                throw new CheckInputError('cannot read the --ca file');
              });
        return (await checkers()).checkOpenApi(spec, ca === undefined ? {} : { ca });
      });
    });

  registerCheckUrl(check, { reportOptions, runCheck });
  registerCheckDeployment(check, { reportOptions, runCheck });
}
