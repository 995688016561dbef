/**
 * Ships a batch of sink items to an HTTPS webhook: one POST of `{ "events": [...] }` with an HMAC-SHA256
 * signature (sink-message.ts `webhookSignature`) in `Strongroom-Signature`. The batch is delivered when the
 * receiver answers 2xx; any other answer, a connection or TLS failure (the certificate must chain to the
 * configured CA and name the host) or no complete answer within `timeoutMs` fails it, and the runner sends it again
 * (at least once: a receiver deduplicates by `seq`).
 * Threats addressed: forged or replayed deliveries (signed body and time), events read on the way (TLS, pinned
 * CA). Not addressed: a receiver that acknowledges what it then loses.
 */
import https from 'node:https';
import { type SinkItem, webhookBody, webhookSignature } from './sink-message.js';

export interface WebhookTarget {
  url: URL;
  secret: string;
  ca: string | null;
  timeoutMs: number;
  clock: () => number;
}

/** Posts `items`; resolves on a 2xx answer, rejects otherwise. */
export function sendWebhookBatch(target: WebhookTarget, items: readonly SinkItem[]): Promise<void> {
  const body = webhookBody(items);
  const signature = webhookSignature(target.secret, body, Math.floor(target.clock() / 1000));
  return new Promise<void>((resolve, reject) => {
    const request = https.request(
      target.url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'strongroom-signature': signature,
        },
        ...(target.ca === null ? {} : { ca: target.ca }),
        minVersion: 'TLSv1.2',
        timeout: target.timeoutMs,
        agent: false,
      },
      (response) => {
        response.resume();
        response.once('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new Error(`audit webhook answered ${status}`));
        });
        response.once('error', reject);
      },
    );
    // The whole exchange, not only each idle gap, ends at timeoutMs: a sink's lease relies on a send being over
    // by then (sink-runner.ts), so a receiver trickling its answer cannot stretch it.
    const late = () => request.destroy(new Error('audit webhook did not answer in time'));
    const deadline = setTimeout(late, target.timeoutMs);
    request.once('timeout', late);
    request.once('close', () => clearTimeout(deadline));
    request.once('error', reject);
    request.end(body);
  });
}
