/**
 * Child process of the key rotation benchmark: seeds `count` records straight through the record crypto and
 * stores (one transaction per 1,000), then rotates the collection key while a reader loop reads random records,
 * and prints one JSON line: re-encryption rate, reads served, and peak RSS and heap sampled during the job.
 * A fresh process per size, so the peaks belong to this run alone.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createRecordCrypto, systemCaller } from '../src/services/index.js';
import { initialize } from '../src/setup/initialize.js';
import { loadTlsFiles } from '../src/tls/index.js';

const FIELDS = [
  { name: 'name', type: 'name', sensitive: true },
  { name: 'email', type: 'email', sensitive: true, searchable: true },
  { name: 'ssn', type: 'ssn', sensitive: true },
  { name: 'phone', type: 'phone', sensitive: true },
  { name: 'card', type: 'card_number', sensitive: true },
  { name: 'tenant_id', type: 'string' },
];

async function main(): Promise<void> {
  const [dataDir, countText] = process.argv.slice(2);
  const count = Number(countText);
  if (dataDir === undefined || !Number.isInteger(count))
    throw new Error('usage: key-rotation-child <dir> <n>');
  const config = loadConfig({ dataDir, logLevel: 'silent', keyJobSettleMs: 0 }, {});
  const setup = await initialize(config);
  const built = await buildApp(config, { tls: await loadTlsFiles(setup.tls.certPath, setup.tls.keyPath) });
  const { services } = built;
  const collection = await services.collections.create('bench', { name: 'patients', fields: FIELDS });
  const crypto = createRecordCrypto({ keys: services.keyService });
  const keyVersion = await services.keyService.currentVersion(services.stores.keys, collection.keyId);
  const sample: string[] = [];
  const now = Date.now();
  for (let from = 0; from < count; from += 1000) {
    await services.persistence.transaction(async (stores) => {
      for (let n = from; n < Math.min(count, from + 1000); n++) {
        const id = randomUUID();
        if (n % 200 === 0) sample.push(id);
        const at = { collectionId: collection.id, recordId: id, keyId: collection.keyId, keyVersion };
        const tail = String(1000 + (n % 9000));
        const sealed = await crypto.seal(stores.keys, at, {
          name: `Jane Roe`,
          email: `jane.${n}@example.com`,
          ssn: `123-45-${tail}`,
          phone: '+14155550123',
          card: '4242424242424242',
        });
        const indexes = await crypto.indexes(stores.keys, collection, 1, collection.fields, {
          email: `jane.${n}@example.com`,
        });
        await stores.records.insert(
          {
            id,
            collectionId: collection.id,
            subjectHash: null,
            subjectSealed: null,
            keyId: collection.keyId,
            keyVersion,
            plainFields: JSON.stringify({ tenant_id: 'acme' }),
            sealedFields: JSON.stringify(sealed),
            revision: 1,
            createdBy: 'bench',
            createdAt: now,
            updatedAt: now,
            erasedAt: null,
          },
          [{ field: 'tenant_id', value: '"acme"' }],
          indexes,
        );
      }
    });
  }
  (globalThis as { gc?: () => void }).gc?.();
  const baselineRss = process.memoryUsage().rss;
  let peakRss = baselineRss;
  let peakHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  }, 20);

  const caller = systemCaller('bench', ['admin'], 'support');
  const started = performance.now();
  const job = await services.keyRotation.rotate(
    'bench',
    {
      target: 'collection',
      collection: 'patients',
      index: false,
    },
    { actor: 'user:bench' },
  );
  let reads = 0;
  let running = true;
  const reader = (async () => {
    for (let i = 0; running; i++) {
      const id = sample[(i * 7919) % sample.length] as string;
      await services.recordReader.get(caller, collection, id, { reveal: ['ssn'], redaction: 'masked' });
      reads++;
      // One read at a time, yielding in between: a steady stream of requests beside the job.
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  for (;;) {
    const current = await services.stores.keyJobs.find(job.id);
    if (current?.status !== 'running') {
      if (current?.status !== 'completed') throw new Error('rotation job did not complete');
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const ms = performance.now() - started;
  running = false;
  await reader;
  clearInterval(sampler);
  await built.app.close();
  const mb = (bytes: number) => bytes / (1024 * 1024);
  process.stdout.write(
    `${JSON.stringify({
      records: count,
      ms,
      rate: count / (ms / 1000),
      readRate: reads / (ms / 1000),
      baselineRssMb: mb(baselineRss),
      peakRssMb: mb(peakRss),
      peakHeapMb: mb(peakHeap),
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
