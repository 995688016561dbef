/**
 * The CA pin: a client given one server's CA refuses another server whose certificate comes from a different CA,
 * during the handshake (so no credential is sent), and trusts only the CA it was given: without one, the system
 * store does not vouch for a development CA either.
 */
import { createClient } from '@strongroom/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../helpers/test-app.js';
import { countingFetch, type Server, startServer } from './client-server.js';

let pinned: Server;
let other: Server;
beforeAll(async () => {
  // Each test server generates a CA of its own.
  [pinned, other] = await Promise.all([startServer(), startServer()]);
});
afterAll(async () => {
  await Promise.all([pinned.t.close(), other.t.close()]);
});

/** The error of a failed fetch, with its cause chain flattened to text. */
async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(Error);
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause)
    parts.push(`${e.message} ${(e as { code?: string }).code ?? ''}`);
  return parts.join(' | ');
}

describe('the CA pin', () => {
  it('connects to the server whose CA it was given', async () => {
    const client = createClient({ baseUrl: pinned.baseUrl, ca: pinned.ca });
    const { response } = await client.GET('/healthz');
    expect(response.status).toBe(200);
    await client.close();
  });

  it('refuses a server whose certificate is from another CA, before sending a request', async () => {
    const user = await createUser(other.t);
    const wire = countingFetch();
    const client = createClient({ baseUrl: other.baseUrl, ca: pinned.ca, fetch: wire.fetch });
    const reason = await failure(client.login({ username: user.username, password: user.password }));
    expect(reason).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|unable to verify/i);
    expect(wire.sent).toHaveLength(0);
    expect(client.isLoggedIn()).toBe(false);
    await client.close();
  });

  it('without a pin, trusts the system store only, which does not know a development CA', async () => {
    const client = createClient({ baseUrl: pinned.baseUrl });
    const reason = await failure(client.GET('/healthz'));
    expect(reason).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|unable to verify/i);
    await client.close();
  });
});
