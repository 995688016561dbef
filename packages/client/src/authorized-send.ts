/**
 * Puts exactly one credential header on each request: `Authorization: Bearer <access token>` while logged in,
 * else `X-API-Key` when the client has an API key, else none. The server refuses a request carrying both with
 * `401 AMBIGUOUS_CREDENTIALS`, so the client owns both headers: any the caller set are removed first.
 *
 * A token due for renewal is refreshed before the request (see session.ts); a request answered
 * `401 INVALID_TOKEN` for the current token (expired early, say, by a server clock ahead of ours) refreshes once and
 * is sent once more. Authentication fails before the server does anything, so this is safe for every method.
 */
import type { Session } from './session.js';
import { untilAborted } from './timeout.js';
import type { Outgoing, Send } from './transport.js';

const CREDENTIAL_HEADERS = ['authorization', 'x-api-key'];

async function isInvalidToken(response: Response): Promise<boolean> {
  if (response.status !== 401) return false;
  try {
    const body = (await response.clone().json()) as { error?: { code?: unknown } };
    return body.error?.code === 'INVALID_TOKEN';
  } catch {
    return false;
  }
}

function withCredential(outgoing: Outgoing, header: [string, string] | null): Outgoing {
  const headers = { ...outgoing.headers };
  for (const name of CREDENTIAL_HEADERS) delete headers[name];
  if (header !== null) headers[header[0]] = header[1];
  return { ...outgoing, headers };
}

/** Wraps `send` with the session's bearer token (or the API key) and its renewal. */
export function createAuthorizedSend(deps: {
  send: Send;
  session: Session;
  apiKey: string | undefined;
}): Send {
  const { send, session, apiKey } = deps;
  const credentialFor = (used: ReturnType<Session['current']>): [string, string] | null => {
    if (used !== null) return ['authorization', used.authorization];
    return apiKey === undefined ? null : ['x-api-key', apiKey];
  };

  return async (outgoing) => {
    // A refresh this call waits for counts against the call's time limit too (timeout.ts).
    const failedRefresh = await untilAborted(session.ensureFresh(), outgoing.signal);
    if (failedRefresh !== null) return failedRefresh;
    const used = session.current();
    const response = await send(withCredential(outgoing, credentialFor(used)));
    if (used === null || !(await isInvalidToken(response))) return response;

    const recovery = await untilAborted(session.recover(used), outgoing.signal);
    if (recovery !== null) {
      await response.body?.cancel();
      return recovery;
    }
    const renewed = session.current();
    if (renewed === null || renewed === used) return response;
    await response.body?.cancel();
    return send(withCredential(outgoing, credentialFor(renewed)));
  };
}
