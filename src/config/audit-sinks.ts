/**
 * The audit sinks' settings (services/audit/sink-runner.ts): a syslog receiver over TLS and an HTTPS webhook,
 * each optional, each with its own filter.
 * - `auditSyslogUrl` (STRONGROOM_AUDIT_SYSLOG_URL): `tls://host:port` (RFC 5425; port 6514 by default);
 * - `auditWebhookUrl` (STRONGROOM_AUDIT_WEBHOOK_URL): `https://…`, with `auditWebhookSecret`
 *   (STRONGROOM_AUDIT_WEBHOOK_SECRET, at least 32 characters: the HMAC-SHA256 signing key; no default);
 * - `auditSyslogCaFile` / `auditWebhookCaFile`: PEM CA the receiver's certificate must chain to (default: the
 *   system's CAs); read when the sink starts;
 * - `auditSyslogExclude` / `auditWebhookExclude`: comma-separated filter patterns (`audit.*`,
 *   `record.list:allowed`; services/audit/sink-filter.ts), their grammar checked here, what they name when the
 *   sink is built;
 * - `auditSinkBatchSize` (1–1000, default 100), `auditSinkRetryMaxSeconds` (1–3600, default 60),
 *   `auditSinkTimeoutSeconds` (1–300, default 10), `auditSinkLeaseSeconds` (2–3600, default 30, more than the
 *   timeout + 1 s: with several nodes, how long a node that stopped renewing keeps the others from shipping).
 * Invariants: a bad URL, a short secret or a filter that matches nothing stops the start with a message naming the
 * setting, never its value.
 */
import path from 'node:path';
import { configError, envName, type SettingReader } from './reader.js';
import type { AuditSinkConfig, AuditSinksConfig } from './types.js';

const MIN_SECRET = 32;
/** The pattern grammar (services/audit/sink-filter.ts checks, when the sink is built, that each names something). */
const PATTERN = /^[a-z_*][a-z_.*]*(?::[a-z_]+)?$/;

function exclusions(read: SettingReader, key: string): string[] {
  const text = read.optional(key);
  const patterns =
    text === null
      ? []
      : text
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean);
  for (const [i, pattern] of patterns.entries()) {
    if (!PATTERN.test(pattern)) {
      throw configError(
        'CONFIG_INVALID_VALUE',
        key,
        `${key} (${envName(key)}): pattern ${i + 1} must be <action> or <action>:<outcome>`,
      );
    }
  }
  return patterns;
}

function caFile(read: SettingReader, key: string): string | null {
  const file = read.optional(key);
  return file === null ? null : path.resolve(file);
}

function parseUrl(read: SettingReader, key: string, protocol: 'tls:' | 'https:'): URL | null {
  const text = read.optional(key);
  if (text === null) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw configError('CONFIG_INVALID_VALUE', key, `${key} (${envName(key)}) is not a URL`);
  }
  if (url.protocol !== protocol || url.hostname === '' || url.username !== '' || url.password !== '') {
    throw configError(
      'CONFIG_INVALID_VALUE',
      key,
      `${key} (${envName(key)}) must be a ${protocol}// URL with a host and no credentials`,
    );
  }
  return url;
}

export function readAuditSinks(read: SettingReader): AuditSinksConfig {
  const sinks: AuditSinkConfig[] = [];
  const syslog = parseUrl(read, 'auditSyslogUrl', 'tls:');
  if (syslog !== null) {
    sinks.push({
      kind: 'syslog',
      name: 'syslog',
      host: syslog.hostname.replace(/^\[|\]$/g, ''),
      port: syslog.port === '' ? 6514 : Number(syslog.port),
      caFile: caFile(read, 'auditSyslogCaFile'),
      exclude: exclusions(read, 'auditSyslogExclude'),
    });
  }
  const webhook = parseUrl(read, 'auditWebhookUrl', 'https:');
  if (webhook !== null) {
    const secret = read.optional('auditWebhookSecret');
    if (secret === null || secret.length < MIN_SECRET) {
      throw configError(
        'CONFIG_INVALID_VALUE',
        'auditWebhookSecret',
        `auditWebhookSecret (${envName('auditWebhookSecret')}) must be set, at least ${MIN_SECRET} characters, when auditWebhookUrl is`,
      );
    }
    sinks.push({
      kind: 'webhook',
      name: 'webhook',
      url: webhook.href,
      secret,
      caFile: caFile(read, 'auditWebhookCaFile'),
      exclude: exclusions(read, 'auditWebhookExclude'),
    });
  }
  const timeoutSeconds = read.int('auditSinkTimeoutSeconds', 10, 1, 300);
  const leaseSeconds = read.int('auditSinkLeaseSeconds', Math.max(30, timeoutSeconds + 2), 2, 3600);
  // A holder stops sending 1 s (sink-runner.ts SKEW_MS) before its lease ends: a whole send must fit before.
  if (leaseSeconds <= timeoutSeconds + 1) {
    throw configError(
      'CONFIG_CONFLICT',
      'auditSinkLeaseSeconds',
      `auditSinkLeaseSeconds (${envName('auditSinkLeaseSeconds')}) must exceed auditSinkTimeoutSeconds + 1`,
    );
  }
  return {
    sinks,
    batchSize: read.int('auditSinkBatchSize', 100, 1, 1000),
    retryMaxMs: read.int('auditSinkRetryMaxSeconds', 60, 1, 3600) * 1000,
    timeoutMs: timeoutSeconds * 1000,
    leaseMs: leaseSeconds * 1000,
  };
}
