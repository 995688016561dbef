import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLoggerOptions } from './logger-options.js';

const JWT =
  'eyJhbGciOiJFZERTQSIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1Iiwic2lkIjoicyJ9.c2lnbmF0dXJlc2lnbmF0dXJl';
const CARD = '4242424242424242';
const PASSWORD = 'plum-canary-sunrise-93';
const EMAIL = 'canary.person@example.com';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: pino(createLoggerOptions(), stream) };
}

describe('createLoggerOptions', () => {
  it('hides credential headers and sanitizes the URL of a logged request', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        req: {
          method: 'GET',
          url: `/orders?password=${PASSWORD}&q=${CARD}`,
          headers: {
            authorization: `Bearer ${JWT}`,
            cookie: `sid=${PASSWORD}`,
            'x-api-key': PASSWORD,
            host: 'a',
          },
          socket: { remoteAddress: '127.0.0.1' },
        },
      },
      'incoming request',
    );
    const line = lines.join('\n');
    for (const canary of [JWT, CARD, PASSWORD]) expect(line).not.toContain(canary);
    const entry = JSON.parse(lines[0] ?? '{}') as { req: { method: string; url: string; headers: object } };
    expect(entry.req.method).toBe('GET');
    expect(entry.req.url).toBe('/orders?password=[REDACTED]&q=[REDACTED:card_number]');
    expect(entry.req.headers).toMatchObject({ authorization: '[REDACTED]', host: 'a' });
  });

  it('hides sensitive fields at any depth and secret shapes in any string, the message included', () => {
    const { lines, logger } = capture();
    logger.info(
      { body: { user: { password: PASSWORD, note: `card ${CARD}` }, contact: EMAIL } },
      `token ${JWT}`,
    );
    logger.info(`mail from ${EMAIL}`);
    const text = lines.join('\n');
    for (const canary of [JWT, CARD, PASSWORD, EMAIL]) expect(text).not.toContain(canary);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      body: { user: { password: '[REDACTED]', note: 'card [REDACTED:card_number]' } },
      msg: 'token [REDACTED:jwt]',
    });
  });

  it('scrubs logged errors', () => {
    const { lines, logger } = capture();
    logger.error({ err: new Error(`refused ${JWT}`) }, 'failed');
    logger.error(new Error(`card ${CARD}`));
    const text = lines.join('\n');
    expect(text).not.toContain(JWT);
    expect(text).not.toContain(CARD);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      err: { type: 'Error', message: 'refused [REDACTED:jwt]' },
    });
  });
});
