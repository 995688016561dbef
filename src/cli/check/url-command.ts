/**
 * `strongroom check url URL`: the CLI face of src/check/url. The credential to test with never comes from argv
 * (argv is visible to every local user in `ps` and lands in shell history): `--credential-header` names the
 * header, the value comes from the environment variable named by `--credential-env` or from stdin
 * (`--credential-stdin`). Neither the value nor its source's content appears in output or errors.
 */
import fs from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { CheckInputError } from '../../check/check-error.js';
import type { CheckReport, Severity } from '../../check/finding.js';
import type { ReportFormat } from '../../check/format.js';

const checkers = () => import('../../check/index.js');

interface ReportFlags {
  format: ReportFormat;
  failOn: Severity;
}

interface UrlFlags extends ReportFlags {
  ca?: string;
  expiryDays?: number;
  httpPort?: number;
  credentialHeader?: string;
  credentialEnv?: string;
  credentialStdin?: boolean;
}

export interface CheckCommandKit {
  readonly reportOptions: (command: Command) => Command;
  readonly runCheck: (flags: ReportFlags, check: () => Promise<CheckReport>) => Promise<void>;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const MAX_CREDENTIAL_BYTES = 16 * 1024;

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1 || n > 65_535)
    throw new InvalidArgumentError('must be a port number');
  return n;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > MAX_CREDENTIAL_BYTES) throw new CheckInputError('the credential on stdin is too long');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** The credential to test with, or undefined without --credential-header; errors never echo a value. */
async function credentialOf(flags: UrlFlags, env: NodeJS.ProcessEnv) {
  if (flags.credentialHeader === undefined) return undefined;
  const header = flags.credentialHeader;
  if (!HEADER_NAME.test(header)) {
    throw new CheckInputError(
      '--credential-header takes a header name only; pass the value through --credential-env or --credential-stdin',
    );
  }
  let value: string | undefined;
  if (flags.credentialStdin === true) value = await readStdin();
  else if (flags.credentialEnv !== undefined) value = env[flags.credentialEnv];
  else throw new CheckInputError('--credential-header needs --credential-env NAME or --credential-stdin');
  if (value === undefined || value.trim() === '')
    throw new CheckInputError('the credential is empty or not set');
  if (/[\r\n\0]/.test(value)) throw new CheckInputError('the credential contains a line break');
  return { header, value };
}

export function registerCheckUrl(check: Command, kit: CheckCommandKit): void {
  kit
    .reportOptions(
      check
        .command('url')
        .argument('<url>', 'https:// URL of an API endpoint (only its host is ever contacted)')
        .description(
          'probe an HTTPS API: TLS versions and suites, certificate, HSTS, leaking headers, plain HTTP, credentials in the query',
        ),
    )
    .addOption(new Option('--ca <file>', 'extra CA certificate (PEM) to trust'))
    .addOption(
      new Option('--expiry-days <n>', 'report a certificate expiring within n days')
        .argParser(nonNegativeInt)
        .default(30),
    )
    .addOption(new Option('--http-port <port>', 'the plain-HTTP port to try').argParser(port).default(80))
    .addOption(
      new Option('--credential-header <name>', 'header carrying a credential to test with (name only)'),
    )
    .addOption(new Option('--credential-env <var>', 'environment variable holding the credential value'))
    .addOption(new Option('--credential-stdin', 'read the credential value from stdin'))
    .action(async (url: string, flags: UrlFlags) => {
      await kit.runCheck(flags, async () => {
        const ca =
          flags.ca === undefined
            ? undefined
            : await fs.promises.readFile(flags.ca).catch(() => {
                throw new CheckInputError('cannot read the --ca file');
              });
        const credential = await credentialOf(flags, process.env);
        return (await checkers()).checkUrl(url, {
          ...(ca === undefined ? {} : { ca }),
          ...(credential === undefined ? {} : { credential }),
          ...(flags.expiryDays === undefined ? {} : { expiryDays: flags.expiryDays }),
          ...(flags.httpPort === undefined ? {} : { httpPort: flags.httpPort }),
        });
      });
    });
}
