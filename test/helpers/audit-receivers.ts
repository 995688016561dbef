/**
 * Real audit receivers on this machine, for the sink tests: a syslog receiver over TLS (RFC 5425 octet-counting
 * frames of RFC 5424 messages) and an HTTPS webhook that checks the HMAC signature. Both can be told to fail the
 * next deliveries (the syslog one drops the connection before the handshake; the webhook answers 503), and be
 * stopped and started again on the same port, keeping what they received (`messages`, `items`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import tls from 'node:tls';

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
}

/** One received item (an event or a skipped marker), as JSON. */
export type Received = Record<string, unknown>;

/** Parses RFC 5425 frames out of `buffer`; returns the messages and what is left of an incomplete frame. */
export function parseFrames(buffer: Buffer): { messages: string[]; rest: Buffer } {
  const messages: string[] = [];
  let rest = buffer;
  for (;;) {
    const space = rest.indexOf(0x20);
    if (space <= 0) break;
    const length = Number(rest.subarray(0, space).toString('ascii'));
    if (!Number.isSafeInteger(length) || rest.length < space + 1 + length) break;
    messages.push(rest.subarray(space + 1, space + 1 + length).toString('utf8'));
    rest = rest.subarray(space + 1 + length);
  }
  return { messages, rest };
}

const RFC5424 = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (\[[^\]]*\]) \uFEFF(.*)$/s;

export async function startSyslogReceiver(material: TlsMaterial, port = 0, messages: string[] = []) {
  let failNext = 0;
  const server = tls.createServer({ ...material, minVersion: 'TLSv1.2' }, (socket) => {
    let buffer: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const parsed = parseFrames(Buffer.concat([buffer, chunk]));
      buffer = parsed.rest;
      messages.push(...parsed.messages);
    });
    socket.on('error', () => undefined);
  });
  // A failing receiver drops the connection before the TLS handshake: the sender must not count the batch.
  server.on('connection', (raw: Socket) => {
    if (failNext === 0) return;
    failNext--;
    raw.destroy();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    messages,
    /** The JSON items received, in order (duplicates included). */
    items(): Received[] {
      return messages.map((m) => {
        const match = RFC5424.exec(m);
        if (match === null) throw new Error(`not an RFC 5424 message: ${m.slice(0, 80)}`);
        return JSON.parse(match[8] ?? '') as Received;
      });
    },
    failNextConnections(n: number): void {
      failNext = n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}

export async function startWebhookReceiver(
  material: TlsMaterial,
  secret: string,
  port = 0,
  items: Received[] = [],
) {
  let failNext = 0;
  let badSignatures = 0;
  const server = https.createServer({ ...material, minVersion: 'TLSv1.2' }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = String(request.headers['strongroom-signature'] ?? '');
      const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
      const expected = createHmac('sha256', secret).update(`${match?.[1]}.${body}`).digest();
      if (match === null || !timingSafeEqual(expected, Buffer.from(match[2] ?? '', 'hex'))) {
        badSignatures++;
        response.writeHead(401).end();
        return;
      }
      if (failNext > 0) {
        failNext--;
        response.writeHead(503).end();
        return;
      }
      items.push(...(JSON.parse(body) as { events: Received[] }).events);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    items: () => items,
    badSignatures: () => badSignatures,
    failNextRequests(n: number): void {
      failNext = n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
