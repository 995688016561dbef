import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOpaqueToken } from '../../src/crypto/index.js';
import { createLogger } from '../../src/log.js';
import { createTestApp, loggedInUser, type TestApp } from '../helpers/test-app.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'trace', destination: destination as never }) };
}

describe('the logger', () => {
  it('censors credential fields by name, wherever they are', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        headers: {
          authorization: 'Bearer abcdefghijkl',
          cookie: 'sid=abcdefghijkl',
          'x-api-key': 'k-abcdefghijkl',
        },
        body: {
          password: 'hunter2hunter2',
          new_password: 'hunter3hunter3',
          refresh_token: 'rt-abcdefghijkl',
        },
        secret: 'shh-abcdefghijkl',
      },
      'incoming',
    );
    const line = lines.join('\n');
    for (const value of ['abcdefghijkl', 'hunter2hunter2', 'hunter3hunter3'])
      expect(line).not.toContain(value);
    expect(JSON.parse(lines[0] ?? '{}').body.password).toBe('[REDACTED]');
  });

  it('scrubs secret-shaped values from messages, fields and errors', () => {
    const { lines, logger } = capture();
    const key = generateOpaqueToken('srk');
    const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl';
    logger.warn(`saw ${key} and card 4242 4242 4242 4242`);
    logger.info({ note: `ssn 123-45-6789 mail jane.doe@example.com token ${jwt}` }, 'fields');
    logger.error({ err: new Error(`failed for ${key}`) }, 'with error');
    const text = lines.join('\n');
    for (const value of [key, '4242 4242 4242 4242', '123-45-6789', 'jane.doe@example.com', jwt]) {
      expect(text).not.toContain(value);
    }
    expect(text).toContain('[REDACTED:strongroom_token]');
    expect(text).toContain('[REDACTED:card_number]');
  });
});

describe('request logging', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('writes one line per request with id, method, route pattern, status and duration, and no URL or body', async () => {
    const user = await loggedInUser(t, ['admin']);
    const before = t.logs.length;
    const response = await t.app.inject({ url: `/v1/users/${user.id}`, headers: user.headers });
    expect(response.statusCode).toBe(200);
    const lines = t.logs.slice(before).map((l) => JSON.parse(l));
    const completed = lines.filter((l) => l.msg === 'request completed');
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({
      reqId: response.headers['x-request-id'],
      method: 'GET',
      route: '/v1/users/:id',
      status: 200,
    });
    expect(typeof completed[0].durationMs).toBe('number');
    expect(JSON.stringify(lines)).not.toContain(user.id);
    expect(JSON.stringify(lines)).not.toContain(user.tokens.access_token);
  });

  it('never logs the values of a URL refused by the URL guard', async () => {
    const before = t.logs.length;
    const response = await t.app.inject({ url: '/v1/me?password=Sup3rSecretValue&x=1' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'SENSITIVE_DATA_IN_URL', field: 'query:password' });
    expect(response.body).not.toContain('Sup3rSecretValue');
    const lines = t.logs.slice(before).join('\n');
    expect(lines).toContain('SENSITIVE_DATA_IN_URL');
    expect(lines).not.toContain('Sup3rSecretValue');
  });

  it.each([
    ['/v1/users?access_token=abc', 'query'],
    ['/v1/users?api_key=abc', 'query'],
    ['/v1/users?Client-Secret=abc', 'query'],
    ['/v1/users/4242424242424242', 'path'],
    ['/v1/users?q=123-45-6789', 'query'],
    [`/v1/users/${generateOpaqueToken('srk')}`, 'path'],
    ['/v1/users?t=eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl', 'query'],
  ])('refuses %s before authentication', async (url, where) => {
    const response = await t.app.inject({ url });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('SENSITIVE_DATA_IN_URL');
    expect(response.json().error.field.startsWith(where)).toBe(true);
  });

  it('lets ordinary URLs through', async () => {
    const user = await loggedInUser(t, ['admin']);
    const response = await t.app.inject({ url: '/v1/users?limit=10', headers: user.headers });
    expect(response.statusCode).toBe(200);
  });
});
