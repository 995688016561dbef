/**
 * `strongroom check deployment [--url URL --ca FILE] [--data-dir DIR]`: the CLI face of src/check/deployment.
 * With a server (the logged-in session's, or `--url` with STRONGROOM_TOKEN's API key, as every client command),
 * it reads GET /v1/sys/posture, probes the server's TLS and plain-HTTP port, and verifies the audit chain from the
 * last checkpoint it verified (kept in verified-marks.ts); with `--data-dir`, it inspects the directory on the
 * host. The credential stays in the API client: the probes never send it, and no output names it.
 */
import fs from 'node:fs';
import { type StrongroomClient, StrongroomError, unwrap } from '@strongroom/client';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { WireEvent } from '../../audit/index.js';
import { CheckInputError } from '../../check/check-error.js';
import type { AuditChainSource, CheckpointExport } from '../../check/deployment/index.js';
import { cliSettings } from '../../config.js';
import { CliError, describeError, EXIT, withApiKeyAdvice } from '../cli-error.js';
import { configFrom } from '../commands/server-options.js';
import { checkServerUrl, connect, readCaFile } from '../connect.js';
import { readSession } from '../session-file.js';
import { createProgressBar } from './progress-bar.js';
import type { CheckCommandKit } from './url-command.js';
import { readVerifiedMark, writeVerifiedMark } from './verified-marks.js';

const checkers = () => import('../../check/index.js');

const EVENT_PAGE = 500;
const CHECKPOINT_PAGE = 1000;

interface DeploymentFlags {
  format: 'table' | 'json' | 'sarif';
  failOn: 'low' | 'medium' | 'high';
  url?: string;
  ca?: string;
  dataDir?: string;
  expiryDays: number;
  httpPort?: number;
  maxKeyAgeDays?: number;
  loginWindowDays?: number;
  keyRotationDays?: number;
  skipAudit?: boolean;
  progressAfter: number;
}

function whole(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d{1,9}$/.test(value) || n < min || n > max)
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    return n;
  };
}

/**
 * A failed call as a check that could not run (exit 2): a server refusal by its code only (server messages never
 * hold a value). With STRONGROOM_TOKEN a certificate that does not verify is fixed with `--ca FILE` on this
 * command (an API key has no login that could pin a CA), not by logging in.
 */
function refused(error: unknown, what: string, apiKey: string | null): never {
  const advised = apiKey === null ? error : withApiKeyAdvice(error);
  if (advised instanceof StrongroomError)
    throw new CheckInputError(`${what}: ${advised.code} (${advised.status})`);
  if (advised instanceof CliError) throw new CheckInputError(advised.message);
  // An unreachable server is a check that could not run (exit 2, docs/checks.md), with or without an API key.
  const described = describeError(advised);
  if (described.exit === EXIT.unavailable) throw new CheckInputError(described.message);
  throw advised;
}

function auditSource(client: StrongroomClient): AuditChainSource & { forbidden: () => boolean } {
  let forbidden = false;
  const guard = (error: unknown): never => {
    if (error instanceof StrongroomError && error.status === 403) forbidden = true;
    throw error;
  };
  return {
    forbidden: () => forbidden,
    async checkpoints() {
      let after: string | undefined;
      const all: CheckpointExport = { keys: [], checkpoints: [], anchor: { seq: 0, hash: '' } };
      do {
        const query = { limit: CHECKPOINT_PAGE, ...(after === undefined ? {} : { after }) };
        const page = await client
          .GET('/v1/audit/checkpoints', { params: { query } })
          .then(unwrap)
          .catch(guard);
        Object.assign(all, { keys: page.keys, anchor: page.anchor });
        (all.checkpoints as unknown[]).push(...page.checkpoints);
        after = page.next_cursor ?? undefined;
      } while (after !== undefined);
      return all;
    },
    async *events(afterSeq: number) {
      let cursor: string | undefined = afterSeq > 0 ? String(afterSeq) : undefined;
      do {
        const query = { limit: EVENT_PAGE, ...(cursor === undefined ? {} : { cursor }) };
        const page = await client.GET('/v1/audit/events', { params: { query } }).then(unwrap).catch(guard);
        for (const event of page.events) yield event as unknown as WireEvent;
        cursor = page.next_cursor ?? undefined;
      } while (cursor !== undefined);
    },
  };
}

/** The server to check: `--url` (with STRONGROOM_TOKEN or the session), else the session's, else none. */
function serverOf(flags: DeploymentFlags, configDir: string, apiKey: string | null) {
  const session = readSession(configDir);
  if (flags.url === undefined && (flags.dataDir !== undefined || (session === null && apiKey === null)))
    return null;
  const url = flags.url === undefined ? session?.url : checkServerUrl(flags.url);
  if (url === undefined) throw new CheckInputError('with STRONGROOM_TOKEN, give the server with --url');
  const pem = flags.ca === undefined ? (session?.url === url ? session.ca : null) : readCaFile(flags.ca);
  return { url, ...(pem === null || pem === undefined ? {} : { ca: Buffer.from(pem) }) };
}

async function run(flags: DeploymentFlags) {
  const settings = cliSettings(process.env);
  const { checkDeployment } = await checkers();
  const target = serverOf(flags, settings.configDir, settings.apiKey);
  const dataDir = flags.dataDir === undefined ? undefined : dataDirSettings(flags.dataDir);
  if (target === null) return checkDeployment({ ...(dataDir === undefined ? {} : { dataDir }) });
  const client = await connect(settings, {
    ...(flags.url === undefined ? {} : { url: target.url }),
    ...(flags.ca === undefined ? {} : { ca: flags.ca }),
  }).catch((e: unknown) => refused(e, 'cannot connect', settings.apiKey));
  const progress = createProgressBar(process.stderr, 'verifying the audit chain', flags.progressAfter);
  try {
    const query = {
      ...(flags.maxKeyAgeDays === undefined ? {} : { max_key_age_days: flags.maxKeyAgeDays }),
      ...(flags.loginWindowDays === undefined ? {} : { login_window_days: flags.loginWindowDays }),
      ...(flags.keyRotationDays === undefined ? {} : { key_rotation_days: flags.keyRotationDays }),
    };
    return await checkDeployment({
      server: {
        ...target,
        readPosture: async () => {
          try {
            return unwrap(await client.GET('/v1/sys/posture', { params: { query } })) as never;
          } catch (error) {
            return refused(error, 'the server refused GET /v1/sys/posture', settings.apiKey);
          }
        },
        audit: flags.skipAudit === true ? null : auditSource(client),
        lastMark: readVerifiedMark(settings.configDir, target.url),
        saveMark: (mark) => writeVerifiedMark(settings.configDir, target.url, mark),
        onProgress: progress.onProgress,
        expiryDays: flags.expiryDays,
        ...(flags.httpPort === undefined ? {} : { httpPort: flags.httpPort }),
        timeoutMs: 5_000,
      },
      ...(dataDir === undefined ? {} : { dataDir }),
    });
  } finally {
    progress.finish();
    await client.close();
  }
}

/** What the offline check needs of the configuration (STRONGROOM_* variables and --data-dir). */
function dataDirSettings(dir: string) {
  if (!fs.existsSync(dir)) throw new CheckInputError(`no data directory at ${dir}`);
  const config = configFrom({ dataDir: dir });
  return {
    dataDir: config.dataDir,
    masterKeyFile: config.masterKeyFile,
    masterKeyConfigured: config.masterKey !== null,
    keyring: config.keyring,
    keyringFile: config.keyringFile,
    tlsKeyPath: config.tlsKeyPath,
    sqlitePath: config.databaseUrl === null ? config.sqlitePath : null,
  };
}

export function registerCheckDeployment(check: Command, kit: CheckCommandKit): void {
  kit
    .reportOptions(
      check
        .command('deployment')
        .description(
          'audit a Strongroom deployment: its posture (GET /v1/sys/posture), TLS, audit chain and data directory',
        ),
    )
    .addOption(new Option('--url <url>', 'server URL (default: the one you logged in to)'))
    .addOption(new Option('--ca <file>', 'CA certificate of --url (a login pins its own)'))
    .addOption(new Option('--data-dir <dir>', 'inspect this data directory on the host (offline)'))
    .addOption(
      new Option('--expiry-days <n>', 'report a certificate expiring within n days')
        .argParser(whole(0, 3650))
        .default(30),
    )
    .addOption(new Option('--http-port <port>', 'a plain-HTTP port to try').argParser(whole(1, 65_535)))
    .addOption(
      new Option('--max-key-age-days <n>', 'API keys older than this are reported (default 90)').argParser(
        whole(1, 3650),
      ),
    )
    .addOption(
      new Option(
        '--login-window-days <n>',
        'administrators without a login this long are reported (default 90)',
      ).argParser(whole(1, 3650)),
    )
    .addOption(
      new Option(
        '--key-rotation-days <n>',
        'master and data keys older than this are reported (default 365)',
      ).argParser(whole(1, 3650)),
    )
    .addOption(new Option('--skip-audit', 'do not verify the audit chain'))
    .addOption(
      new Option('--progress-after <events>', 'show a progress bar on stderr past this many events')
        .argParser(whole(0, 1_000_000_000))
        .default(10_000),
    )
    .action(async (flags: DeploymentFlags) => {
      await kit.runCheck(flags, () => run(flags));
    });
}
