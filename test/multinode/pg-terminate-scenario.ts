/**
 * PostgreSQL connections of the cluster terminated (pg_terminate_backend on its own backends only) while every
 * node takes writes: each answer is 201 or a 503 naming the dependency, no node exits, every acknowledged record
 * can be read afterwards through any node, and every node serves and is ready again without a restart.
 */
import { expect } from 'vitest';
import type { Cluster } from '../helpers/multinode.js';
import { waitUntil } from '../helpers/multinode.js';
import { sleep } from '../helpers/multinode-checks.js';
import type { Credentials } from '../helpers/multinode-http.js';
import { patient } from '../helpers/vault.js';

const WRITERS_PER_NODE = 3;
const CUTS = 4;
const CUT_EVERY_MS = 600;
const UNAVAILABLE = ['DEPENDENCY_UNAVAILABLE', 'AUDIT_UNAVAILABLE'];

export async function checkTerminatedConnections(cluster: Cluster, admin: Credentials, collection: string) {
  const live = cluster.nodes.filter((node) => node.exit === null);
  const acknowledged: string[] = [];
  const statuses: Record<string, number> = {};
  let running = true;
  let n = 10_000;
  const writer = async (node: (typeof live)[number]) => {
    while (running) {
      const answer = await node.client.post(
        `/v1/collections/${collection}/records`,
        { fields: patient(n++) },
        admin,
      );
      const key = answer.status === 503 ? `503 ${answer.body?.error?.code}` : String(answer.status);
      statuses[key] = (statuses[key] ?? 0) + 1;
      if (answer.status === 201) acknowledged.push(answer.body.id as string);
      if (answer.status === 503) await sleep(50);
    }
  };
  const writers = live.flatMap((node) => Array.from({ length: WRITERS_PER_NODE }, () => writer(node)));
  let terminated = 0;
  for (let cut = 0; cut < CUTS; cut++) {
    await sleep(CUT_EVERY_MS);
    terminated += await cluster.terminateBackends();
  }
  await sleep(CUT_EVERY_MS);
  running = false;
  await Promise.all(writers);
  console.info('terminated backends:', terminated, 'answers:', JSON.stringify(statuses));
  expect(terminated).toBeGreaterThan(0);
  for (const status of Object.keys(statuses)) {
    expect(status === '201' || UNAVAILABLE.some((code) => status === `503 ${code}`), status).toBe(true);
  }
  expect(acknowledged.length).toBeGreaterThan(0);
  for (const node of live) expect(node.exit, `${node.name} still runs`).toBeNull();

  // Service resumes on every node: a write is accepted and /readyz answers 200 (audit health comes back with it).
  for (const node of live) {
    await waitUntil(
      async () => {
        const write = await node.client.post(
          `/v1/collections/${collection}/records`,
          { fields: patient(1) },
          admin,
        );
        return write.status === 201 && (await node.client.get('/readyz')).status === 200;
      },
      30_000,
      `${node.name} serving again`,
    );
  }
  // Every acknowledged write is there, read back through the nodes in turn.
  for (let i = 0; i < acknowledged.length; i += 25) {
    const reads = await Promise.all(
      acknowledged
        .slice(i, i + 25)
        .map((id, j) =>
          live[(i + j) % live.length]?.client.get(`/v1/collections/${collection}/records/${id}`, admin),
        ),
    );
    expect(reads.map((r) => r?.status)).toEqual(reads.map(() => 200));
  }
}
