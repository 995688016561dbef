/**
 * Ships a batch of sink items to a syslog receiver over TLS (RFC 5425: octet-counting framing of RFC 5424
 * messages). Syslog has no acknowledgement, so delivery is confirmed by the close: one connection per batch,
 * every frame written, then our side half-closed; the batch counts as delivered only when the receiver then
 * closes its side (as a receiver does once it has read to the end). A refused, reset or unfinished connection, a
 * TLS failure (the receiver's certificate must chain to the configured CA and name the host) or no close within
 * `timeoutMs` fails the batch, which the runner sends again: delivery is at least once.
 * Threats addressed: events read or forged on the way (TLS with a pinned CA, hostname checked).
 * Not addressed (RFC 5425 has no application acknowledgement): a receiver that reads a batch and crashes while
 * closing can lose it unnoticed; the receiver still sees the loss as a `prev_hash` that does not link. Where
 * that matters, use the webhook sink, whose 2xx is an acknowledgement.
 */
import tls from 'node:tls';
import { octetFrame, type SinkItem, syslogMessage } from './sink-message.js';

export interface SyslogTarget {
  host: string;
  port: number;
  /** PEM CA certificates the receiver's certificate must chain to (null: the system's). */
  ca: string | null;
  hostname: string;
  timeoutMs: number;
}

/** Sends `items`; resolves once the receiver has read them all and closed, rejects otherwise. */
export function sendSyslogBatch(target: SyslogTarget, items: readonly SinkItem[]): Promise<void> {
  const payload = Buffer.concat(items.map((item) => octetFrame(syslogMessage(item, target.hostname))));
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error === undefined) resolve();
      else reject(error);
    };
    const socket = tls.connect({
      host: target.host,
      port: target.port,
      servername: target.host,
      ...(target.ca === null ? {} : { ca: target.ca }),
      minVersion: 'TLSv1.2',
    });
    const timer = setTimeout(
      () => finish(new Error('syslog receiver did not confirm the batch in time')),
      target.timeoutMs,
    );
    let written = false;
    socket.once('secureConnect', () => {
      socket.end(payload, () => {
        written = true;
      });
    });
    socket.on('data', () => undefined);
    // Only a close after the whole batch was handed over, on a connection that completed its handshake, confirms.
    socket.once('end', () =>
      finish(written ? undefined : new Error('syslog receiver closed before the batch was written')),
    );
    socket.once('error', (error) => finish(error));
    socket.once('close', () => finish(new Error('syslog connection closed before the batch was confirmed')));
  });
}
