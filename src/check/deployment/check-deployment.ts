/**
 * `strongroom check deployment`: a Strongroom deployment's security posture, from its own account
 * (GET /v1/sys/posture), from outside (the TLS and HTTP probes of `check url`, the audit chain verified from the
 * last verified checkpoint on) and/or from its data directory on the host.
 * Invariants: the posture carries no secret, so no finding can; the credential that reads it stays in the caller
 * (this module gets functions, not tokens) and is never sent by the probes.
 */
import type { Posture } from '../../services/posture/index.js';
import { CheckInputError } from '../check-error.js';
import { createFindingCollector } from '../collector.js';
import type { CheckReport, Finding } from '../finding.js';
import { URL_RULE_LIST } from '../url/url-rules.js';
import {
  type AuditChainOutcome,
  type AuditChainSource,
  type VerifiedMark,
  verifyAuditChain,
} from './audit-chain.js';
import { checkDataDir, type DataDirSettings } from './data-dir.js';
import { DEPLOYMENT_RULE_LIST, DEPLOYMENT_RULES as R } from './deployment-rules.js';
import { type AddFinding, postureFindings } from './posture-findings.js';
import { checkTransport } from './transport.js';

export const POSTURE_PATH = '/v1/sys/posture';

export interface ServerTarget {
  /** The server's https:// origin (and base path), as the CLI connects to it. */
  readonly url: string;
  readonly ca?: Buffer;
  readonly readPosture: () => Promise<Posture>;
  /** The audit trail over the API; null: not to be verified (`--skip-audit`). */
  readonly audit: (AuditChainSource & { readonly forbidden: () => boolean }) | null;
  readonly lastMark: VerifiedMark | null;
  readonly saveMark: (mark: VerifiedMark) => Promise<void>;
  readonly onProgress?: (done: number, total: number) => void;
  readonly expiryDays: number;
  /** A plain-HTTP port to ask besides the one the server reports. */
  readonly httpPort?: number;
  readonly timeoutMs: number;
}

export interface CheckDeploymentOptions {
  readonly server?: ServerTarget;
  readonly dataDir?: DataDirSettings;
  readonly now?: () => number;
}

function adderAt(file: string, add: (finding: Finding) => void) {
  return (rule: Parameters<AddFinding>[0], message: string, pointer?: string) =>
    add({
      ruleId: rule.id,
      severity: rule.severity,
      message,
      location: { file, ...(pointer === undefined || pointer === '' ? {} : { pointer }) },
    });
}

function auditOutcomeFindings(outcome: AuditChainOutcome, add: AddFinding, scanned: Record<string, number>) {
  if (outcome.ok) {
    scanned['audit events verified'] = outcome.verified;
    scanned['signed checkpoints'] = outcome.checkpoints;
    if (outcome.from > 0) scanned['audit verification resumed after seq'] = outcome.from;
    return;
  }
  if (outcome.problem === 'signing_key_changed') {
    const at = outcome.firstBadSeq === null ? '' : ` (checkpoints from seq ${outcome.firstBadSeq} on)`;
    add(
      R.auditSigningKeyChanged,
      `signing key changed since last verified run${at}; verify out of band (the mark is not advanced)`,
      '/audit',
    );
    return;
  }
  const where = outcome.firstBadSeq === null ? '' : ` at seq ${outcome.firstBadSeq}`;
  const problem =
    outcome.problem === 'mark_rewritten'
      ? 'the checkpoint verified last time is no longer signed with the same hash'
      : `${outcome.problem}${where}`;
  add(R.auditChainBroken, `audit chain verification failed: ${problem}`, '/audit');
}

async function checkServer(
  server: ServerTarget,
  now: number,
  add: (finding: Finding) => void,
  scanned: Record<string, number>,
): Promise<void> {
  let url: URL;
  try {
    url = new URL(server.url);
  } catch {
    throw new CheckInputError('the server URL is not valid');
  }
  if (url.protocol !== 'https:') throw new CheckInputError('check deployment needs an https:// server URL');
  const posture = await server.readPosture();
  const atPosture = adderAt(`${server.url}${POSTURE_PATH}`, add);
  postureFindings(posture, atPosture);
  scanned['posture reads'] = 1;
  const httpPort = server.httpPort ?? posture.tls.http_port;
  const transport = await checkTransport(
    {
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port === '' ? 443 : Number(url.port),
      origin: url.origin,
      ...(server.ca === undefined ? {} : { ca: server.ca }),
      expiryDays: server.expiryDays,
      httpPort: httpPort ?? null,
      timeoutMs: server.timeoutMs,
      now,
    },
    add,
  );
  Object.assign(scanned, transport);
  if (server.audit === null) {
    atPosture(R.auditNotVerified, 'audit chain verification skipped (--skip-audit)', '/audit');
    return;
  }
  const outcome = await verifyAuditChain(server.audit, {
    last: server.lastMark,
    headSeq: posture.audit.head_seq,
    ...(server.onProgress === undefined ? {} : { onProgress: server.onProgress }),
  }).catch((error: unknown) => {
    if (server.audit?.forbidden()) return null;
    throw error;
  });
  if (outcome === null) {
    atPosture(R.auditNotVerified, 'the credential may not read the audit trail (read_audit)', '/audit');
    return;
  }
  auditOutcomeFindings(outcome, atPosture, scanned);
  if (outcome.ok && outcome.mark !== null) await server.saveMark(outcome.mark);
}

export async function checkDeployment(options: CheckDeploymentOptions): Promise<CheckReport> {
  if (options.server === undefined && options.dataDir === undefined)
    throw new CheckInputError('give a server (--url, or `strongroom login` first) and/or --data-dir DIR');
  const now = options.now?.() ?? Date.now();
  const collector = createFindingCollector('deployment', [...DEPLOYMENT_RULE_LIST, ...URL_RULE_LIST]);
  const scanned: Record<string, number> = {};
  if (options.server !== undefined) await checkServer(options.server, now, collector.add, scanned);
  if (options.dataDir !== undefined) {
    const offline = await checkDataDir(options.dataDir, (file) => adderAt(file, collector.add));
    scanned['data directory files'] = offline.files ?? 0;
  }
  return collector.report(scanned);
}
