/**
 * Drift: the middleware answers with the server's error codes, statuses and messages, so an application's clients
 * see one vocabulary. One deliberate difference: the middleware's 426 does not claim that credentials were revoked
 * (the server's plain-HTTP port revokes them; an application has no means to).
 */
import { ERRORS as MIDDLEWARE_ERRORS } from '@strongroom/node-core';
import { describe, expect, it } from 'vitest';
import { ERRORS as SERVER_ERRORS } from '../../src/errors.js';

describe('middleware error codes', () => {
  it.each(Object.entries(MIDDLEWARE_ERRORS))('%s has the server’s status and message', (code, entry) => {
    const server = SERVER_ERRORS[code as keyof typeof SERVER_ERRORS];
    expect(server, `${code} is not a server error code`).toBeDefined();
    expect(entry.status).toBe(server.status);
    if (code === 'HTTPS_REQUIRED') expect(server.message.startsWith(entry.message)).toBe(true);
    else expect(entry.message).toBe(server.message);
  });
});
