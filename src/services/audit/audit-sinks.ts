/**
 * The configured audit sinks (src/config/audit-sinks.ts), each a runner (sink-runner.ts) over its transport and
 * filter, shipping while its node holds the sink's lease. CA files are read here, once: a missing or unreadable file stops the start, naming the setting.
 */
import fs from 'node:fs';
import os from 'node:os';
import type { AuditSinkConfig, AuditSinksConfig } from '../../config.js';
import { AppError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { createSinkFilter } from './sink-filter.js';
import type { SinkItem } from './sink-message.js';
import { createSinkRunner, type SinkRunner, type SinkRunnerDeps } from './sink-runner.js';
import { sendSyslogBatch } from './syslog-transport.js';
import { sendWebhookBatch } from './webhook-transport.js';

function readCa(file: string | null, setting: string): string | null {
  if (file === null) return null;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new AppError('CONFIG_TLS_FILE_UNREADABLE', {
      field: setting,
      message: `${setting} cannot be read`,
      cause: error,
    });
  }
}

function transportOf(sink: AuditSinkConfig, settings: AuditSinksConfig, clock: () => number) {
  if (sink.kind === 'syslog') {
    const target = {
      host: sink.host,
      port: sink.port,
      ca: readCa(sink.caFile, 'auditSyslogCaFile'),
      hostname: os.hostname(),
      timeoutMs: settings.timeoutMs,
    };
    return (items: SinkItem[]) => sendSyslogBatch(target, items);
  }
  const target = {
    url: new URL(sink.url),
    secret: sink.secret,
    ca: readCa(sink.caFile, 'auditWebhookCaFile'),
    timeoutMs: settings.timeoutMs,
    clock,
  };
  return (items: SinkItem[]) => sendWebhookBatch(target, items);
}

/** One runner per configured sink (none started). */
export function createAuditSinks(deps: {
  store: SinkRunnerDeps['store'];
  settings: AuditSinksConfig;
  clock: () => number;
  logger: Pick<Logger, 'warn' | 'info'>;
}): SinkRunner[] {
  return deps.settings.sinks.map((sink) =>
    createSinkRunner({
      name: sink.name,
      store: deps.store,
      send: transportOf(sink, deps.settings, deps.clock),
      skips: createSinkFilter(
        sink.exclude,
        sink.kind === 'syslog' ? 'auditSyslogExclude' : 'auditWebhookExclude',
      ),
      batchSize: deps.settings.batchSize,
      retryMaxMs: deps.settings.retryMaxMs,
      timeoutMs: deps.settings.timeoutMs,
      leaseMs: deps.settings.leaseMs,
      clock: deps.clock,
      logger: deps.logger,
    }),
  );
}
