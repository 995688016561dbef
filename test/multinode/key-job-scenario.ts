/**
 * Key rotation jobs on several nodes (services/key-jobs, storage/key-job-leases.ts): a job is run by one node
 * (one "key job running" and one "key job completed" across the cluster) and counts every record once; when the
 * node running a second job is SIGKILLed after its first committed batch, another node resumes it from the
 * committed cursor, finishes it, and every record still reads back with its value.
 */
import { expect } from 'vitest';
import type { Cluster, ClusterNode } from '../helpers/multinode.js';
import { waitUntil } from '../helpers/multinode.js';
import type { Credentials } from '../helpers/multinode-http.js';
import { PATIENT_FIELDS, patient } from '../helpers/vault.js';

const COLLECTION = 'mn_rotation';
const RECORDS = 60;

const runningOn = (cluster: Cluster, jobId: string) =>
  cluster.nodes.filter((node) => node.logged('key job running').some((l) => l.jobId === jobId));
const completions = (cluster: Cluster, jobId: string) =>
  cluster.nodes.flatMap((node) =>
    node
      .logged('key job completed')
      .filter((l) => l.jobId === jobId)
      .map(() => node),
  );

async function rotate(node: ClusterNode, admin: Credentials): Promise<string> {
  const started = await node.client.post(
    '/v1/keys/rotate',
    { target: 'collection', collection: COLLECTION },
    admin,
  );
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return started.body.job.id as string;
}

async function job(node: ClusterNode, admin: Credentials, id: string) {
  const answer = await node.client.get(`/v1/keys/jobs/${id}`, admin);
  expect(answer.status).toBe(200);
  return answer.body as { status: string; done: number; total: number };
}

export async function checkKeyJobs(
  cluster: Cluster,
  admin: Credentials,
  note: (what: string, ms: number) => void,
) {
  const live = () => cluster.nodes.filter((node) => node.exit === null);
  const [first] = live();
  if (first === undefined) throw new Error('no live node');
  const created = await first.client.post(
    '/v1/collections',
    { name: COLLECTION, fields: PATIENT_FIELDS },
    admin,
  );
  expect(created.status).toBe(201);
  const ids: string[] = [];
  for (let i = 0; i < RECORDS; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: 10 }, (_, j) =>
        first.client.post(`/v1/collections/${COLLECTION}/records`, { fields: patient(i + j) }, admin),
      ),
    );
    for (const answer of batch) {
      expect(answer.status).toBe(201);
      ids.push(answer.body.id as string);
    }
  }

  // One job, one node.
  const once = await rotate(first, admin);
  await waitUntil(
    async () => (await job(first, admin, once)).status === 'completed',
    60_000,
    'the first job',
  );
  expect(await job(first, admin, once)).toMatchObject({ status: 'completed', done: RECORDS, total: RECORDS });
  expect(runningOn(cluster, once)).toHaveLength(1);
  expect(completions(cluster, once)).toHaveLength(1);

  // The node running the second job is SIGKILLed after its first committed batch.
  const killed = await rotate(first, admin);
  await waitUntil(async () => runningOn(cluster, killed).length === 1, 30_000, 'a node running the job');
  const runner = runningOn(cluster, killed)[0] as ClusterNode;
  const watcher = live().find((node) => node !== runner) as ClusterNode;
  await waitUntil(async () => (await job(watcher, admin, killed)).done > 0, 30_000, 'a committed batch');
  const progress = await job(watcher, admin, killed);
  expect(progress.status, 'still running when killed').toBe('running');
  const killedAt = Date.now();
  await runner.kill('SIGKILL');
  await waitUntil(
    async () => (await job(watcher, admin, killed)).status === 'completed',
    60_000,
    'the job resumed',
  );
  note('key job resumed and finished after SIGKILL', Date.now() - killedAt);
  expect(await job(watcher, admin, killed)).toMatchObject({
    status: 'completed',
    done: RECORDS,
    total: RECORDS,
  });
  const resumedOn = runningOn(cluster, killed).filter((node) => node !== runner);
  expect(resumedOn).toHaveLength(1);
  expect(completions(cluster, killed)).toEqual(resumedOn);
  const resumed = resumedOn[0]?.logged('key job running').find((l) => l.jobId === killed);
  expect(resumed?.cursor).toBe('resumed');

  // Every record still opens under the new key version, through every live node.
  const purpose = { ...admin, 'x-access-purpose': 'support' };
  const reads = await Promise.all(
    ids.map((id, i) => {
      const node = live()[i % live().length] as ClusterNode;
      return node.client.get(`/v1/collections/${COLLECTION}/records/${id}?reveal=name`, purpose);
    }),
  );
  expect(reads.map((r) => r.status)).toEqual(ids.map(() => 200));
  expect(reads.map((r) => r.body.fields?.name)).toEqual(ids.map((_, i) => patient(i).name));
}
