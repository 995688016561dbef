/**
 * Audit sinks on three nodes: one node at a time ships each sink (its lease, storage/audit-sink-leases.ts). While
 * every node appends events, the syslog sink's holder is SIGKILLed; another node takes the lease over once it
 * expires. Both real receivers (syslog over TLS, HTTPS webhook) must end with every event of the trail, first
 * deliveries in seq order and linked by prev_hash, and duplicates only around a takeover or a failed delivery
 * (each at most one batch). Without the lease every node ships everything: about twice the trail in duplicates.
 */
import { expect } from 'vitest';
import type { Received } from '../helpers/audit-receivers.js';
import type { Cluster, ClusterNode } from '../helpers/multinode.js';
import { waitUntil } from '../helpers/multinode.js';
import { deliveredHead, firstDeliveries, sleep } from '../helpers/multinode-checks.js';
import type { Credentials } from '../helpers/multinode-http.js';

const GENESIS = '0'.repeat(64);
/** The lease the cluster runs with (STRONGROOM_AUDIT_SINK_LEASE_SECONDS) and the standby nodes' poll. */
const LEASE_MS = 5000;
const POLL_MS = 1000;

interface Receivers {
  syslog: { items(): Received[] };
  webhook: { items(): Received[] };
}

/** Audited requests (`audit.query` events) on every live node, until `stop()`. */
export function startSinkTraffic(cluster: Cluster, admin: Credentials) {
  let running = true;
  const loop = async (node: ClusterNode) => {
    while (running && node.exit === null) {
      await node.client.get('/v1/audit/events?limit=1', admin).catch(() => undefined);
      await sleep(30);
    }
  };
  const loops = cluster.nodes.map(loop);
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** The node that took `sink`'s lease last (by its log), and when. */
function holderOf(cluster: Cluster, sink: string): { node: ClusterNode; at: string } | null {
  let found: { node: ClusterNode; at: string } | null = null;
  for (const node of cluster.nodes) {
    for (const line of node.logged('audit sink lease taken: this node ships it')) {
      if (line.sink === sink && (found === null || String(line.time) > found.at))
        found = { node, at: String(line.time) };
    }
  }
  return found;
}

function count(cluster: Cluster, msg: string, sink: string): number {
  return cluster.nodes.reduce((n, node) => n + node.logged(msg).filter((l) => l.sink === sink).length, 0);
}

function logCounts(cluster: Cluster, sink: string) {
  return {
    taken: count(cluster, 'audit sink lease taken: this node ships it', sink),
    failed: count(cluster, 'audit sink cannot deliver; retrying', sink),
  };
}

/** Items received from index `from` on whose seq had already been received. */
function redeliveredSince(items: readonly Received[], from: number): number {
  let highest = 0;
  let redelivered = 0;
  for (const [i, item] of items.entries()) {
    const seq = item.seq as number;
    if (i >= from && seq <= highest) redelivered++;
    highest = Math.max(highest, seq);
  }
  return redelivered;
}

function expectLinked(items: readonly Received[]) {
  let prev = GENESIS;
  for (const item of items) {
    expect(item.prev_hash, `seq ${item.seq}`).toBe(prev);
    prev = item.hash as string;
  }
}

export async function checkSinks(
  cluster: Cluster,
  receivers: Receivers,
  traffic: { stop(): Promise<void> },
  batch: number,
) {
  await waitUntil(async () => holderOf(cluster, 'syslog') !== null, 30_000, 'a syslog lease holder');
  // Duplicates are counted from here: earlier tests cut the database connections, and a batch sent just before a
  // cut whose cursor could not be moved is sent again (at least once), which is not what this test is about.
  const mark = {
    syslog: { items: receivers.syslog.items().length, ...logCounts(cluster, 'syslog') },
    webhook: { items: receivers.webhook.items().length, ...logCounts(cluster, 'webhook') },
  };
  await sleep(1500);
  const before = holderOf(cluster, 'syslog');
  if (before === null) throw new Error('no holder');
  expect(count(cluster, 'audit sink lease taken: this node ships it', 'syslog')).toBeGreaterThanOrEqual(1);
  const killedAt = new Date().toISOString();
  await before.node.kill('SIGKILL');
  // Events keep coming on the other nodes; one of them takes the lease once it has expired.
  await waitUntil(
    async () => {
      const now = holderOf(cluster, 'syslog');
      return now !== null && now.node !== before.node && now.at > killedAt;
    },
    LEASE_MS + POLL_MS + 20_000,
    'another node taking the syslog lease over',
  );
  await sleep(1000);
  await traffic.stop();
  const { rows } = await cluster.control.query(
    `select max(seq)::int as head from "${cluster.schema}".audit_events`,
  );
  const head = rows[0].head as number;
  await waitUntil(
    async () =>
      deliveredHead(receivers.syslog.items()) >= head && deliveredHead(receivers.webhook.items()) >= head,
    30_000,
    `both receivers at seq ${head}`,
  );
  for (const sink of ['syslog', 'webhook'] as const) {
    const items = receivers[sink].items();
    const firsts = firstDeliveries(items).filter((i) => (i.seq as number) <= head);
    expect(firsts.length, `${sink}: every event`).toBe(head);
    expectLinked(firsts);
    const duplicates = redeliveredSince(items, mark[sink].items);
    const now = logCounts(cluster, sink);
    const takeovers = now.taken - mark[sink].taken;
    const failures = now.failed - mark[sink].failed;
    console.info(
      `${sink}: ${head} events; since the SIGKILL test began: ${duplicates} duplicates, ${takeovers} takeovers, ${failures} outages`,
    );
    expect(takeovers, `${sink}: at least the SIGKILLed holder's`).toBeGreaterThanOrEqual(
      sink === 'syslog' ? 1 : 0,
    );
    expect(duplicates, `${sink} duplicates`).toBeLessThanOrEqual(batch * (takeovers + failures));
  }
}
