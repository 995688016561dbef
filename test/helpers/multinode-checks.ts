/**
 * What the multi-node tests measure: how long after a change on one node another node honours it, and whether
 * what audit receivers got is the trail in order (first deliveries), with how many duplicates.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { Received } from './audit-receivers.js';
import type { ClusterNode } from './multinode.js';
import { bearer, type Credentials, type NodeAnswer } from './multinode-http.js';

/** The 1 s bound of issue 12: a revocation on one node is honoured by every other node within it. */
export const PROPAGATION_MS = 1000;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Probe = (node: ClusterNode) => Promise<NodeAnswer>;

/** How often a probe is sent while waiting for a change (independently of the answers). */
const PROBE_EVERY_MS = 25;

/**
 * Sends `probe` to `node` every `everyMs` (25 ms), without waiting for answers, until one is `accepted`; resolves to how long
 * after `since` the first accepted probe was sent. Measuring when requests were sent, not answered, keeps a loaded
 * machine's slow answers out of the propagation time. Every probe sent after the first accepted one must be
 * accepted too (no flapping back), and so must one more. Throws when no probe sent within `limitMs` is accepted.
 */
export async function delayUntil(
  node: ClusterNode,
  probe: Probe,
  accepted: (answer: NodeAnswer) => boolean,
  since: number,
  limitMs: number,
  everyMs = PROBE_EVERY_MS,
): Promise<number> {
  const answers: NodeAnswer[] = [];
  const inflight: Promise<void>[] = [];
  let seen = false;
  while (!seen && Date.now() - since <= limitMs + everyMs) {
    inflight.push(
      probe(node).then((answer) => {
        answers.push(answer);
        if (accepted(answer)) seen = true;
      }),
    );
    await sleep(everyMs);
  }
  await Promise.all(inflight);
  const first = answers
    .filter(accepted)
    .reduce<NodeAnswer | null>((a, b) => (a === null || b.sentAt < a.sentAt ? b : a), null);
  if (first === null)
    throw new Error(`${node.name} still answered the old way ${limitMs} ms after the change`);
  const back = answers.filter((a) => a.sentAt > first.sentAt && !accepted(a));
  expect(
    back.map((a) => a.status),
    `${node.name} never answers the old way again`,
  ).toEqual([]);
  expect(accepted(await probe(node)), `${node.name} keeps its new answer`).toBe(true);
  return first.sentAt - since;
}

/** `delayUntil` the probe answers `status`. */
export const delayUntilStatus = (
  node: ClusterNode,
  probe: Probe,
  status: number,
  since: number,
  limitMs: number,
) => delayUntil(node, probe, (answer) => answer.status === status, since, limitMs);

/** GET /v1/me with `credentials` (the cheapest authenticated request). */
export const me = (credentials: Credentials) => (node: ClusterNode) => node.client.get('/v1/me', credentials);

export const strongPassword = () => `Tr0ubadour-${randomBytes(9).toString('base64url')}`;

/** Creates a user through `node` as the admin; returns its id and credentials. */
export async function createUser(node: ClusterNode, admin: Credentials, roles: string[] = ['user']) {
  const username = `mn${randomBytes(5).toString('hex')}`;
  const password = strongPassword();
  const created = await node.client.post('/v1/users', { username, password, roles }, admin);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { id: created.body.id as string, username, password };
}

/** Logs in through `node`; returns the access and refresh tokens and a bearer header. */
export async function login(node: ClusterNode, username: string, password: string) {
  const answer = await node.client.post('/v1/auth/login', { username, password });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return {
    accessToken: answer.body.access_token as string,
    refreshToken: answer.body.refresh_token as string,
    headers: bearer(answer.body.access_token as string),
  };
}

/** The first delivery of each seq, in the order received; fails on a gap or a reordering. */
export function firstDeliveries(items: readonly Received[]): Received[] {
  const seen: Received[] = [];
  let last = 0;
  for (const item of items) {
    const seq = item.seq as number;
    if (seq <= last) continue; // a redelivery of something already seen
    expect(seq, 'no gap, no reordering').toBe(last + 1);
    seen.push(item);
    last = seq;
  }
  return seen;
}

/** The seq of the last first delivery (0: none). */
export function deliveredHead(items: readonly Received[]): number {
  let last = 0;
  for (const item of items) last = Math.max(last, item.seq as number);
  return last;
}
