/**
 * Key rotation in the console, in Debian's Chromium against a real server: with a collection of records in place
 * (made over the API), an administrator rotates the collection's data key and then the master key from the Keys
 * page, and watches each progress bar climb to 100% (never backwards) and the job end as completed, moving every
 * record; the jobs table lists both. After each flow: no token in storage or cookies, the strict CSP on every
 * console answer, no serious or critical axe finding.
 */
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BROWSER_SETUP_TIMEOUT_MS,
  type ConsoleBrowser,
  openConsoleBrowser,
  saveScreenshot,
  screenshotIfFailed,
} from '../helpers/console-browser.js';
import { expectPageSound, openPage, signInAsAdmin } from '../helpers/console-pages.js';
import { type ConsoleServer, startConsoleServer } from '../helpers/console-server.js';
import { bearer, createNodeClient } from '../helpers/multinode-http.js';

const RECORDS = 40;
/**
 * The server's own knobs for rotation jobs: batches of 5 records with 600 ms between them make the data key's
 * rotation last about 5 s, long enough for the page's 500 ms polls to show it under way.
 */
const SLOW_JOBS = { STRONGROOM_KEY_JOB_BATCH_SIZE: '5', STRONGROOM_KEY_JOB_PAUSE_MS: '600' };
const collection = 'patients';
let server: ConsoleServer;
let session: ConsoleBrowser;

/** The collection and its records, over HTTPS as the admin (the browser signs in on its own). */
async function seedRecords(): Promise<void> {
  const api = createNodeClient(server.url, fs.readFileSync(server.caFile));
  try {
    const login = await api.post('/v1/auth/login', { username: 'admin', password: server.adminPassword });
    if (login.status !== 200) throw new Error(`login: ${login.status}`);
    const headers = bearer(login.body.access_token as string);
    const created = await api.post(
      '/v1/collections',
      { name: collection, fields: [{ name: 'diagnosis', type: 'text', sensitive: true }] },
      headers,
    );
    if (created.status !== 201) throw new Error(`collection: ${created.status}`);
    for (let i = 0; i < RECORDS; i++) {
      const record = await api.post(
        `/v1/collections/${collection}/records`,
        { fields: { diagnosis: `diagnosis ${i}` } },
        headers,
      );
      if (record.status !== 201) throw new Error(`record: ${record.status}`);
    }
    await api.post('/v1/auth/logout', {}, headers);
  } finally {
    api.close();
  }
}

beforeAll(async () => {
  server = await startConsoleServer({ serverEnv: SLOW_JOBS });
  await seedRecords();
  session = await openConsoleBrowser(server);
  await signInAsAdmin(session, server);
}, BROWSER_SETUP_TIMEOUT_MS);

afterEach(async (context) => screenshotIfFailed(session, context));

afterAll(async () => {
  await session?.close();
  await server?.close();
});

/** Starts noting every value the "Rotation progress" bar of `keyName` takes, from now on. */
async function recordProgress(keyName: string): Promise<void> {
  await session.page.evaluate((name) => {
    interface Bar {
      value: number;
      closest(selector: string): { textContent: string } | null;
    }
    const scope = globalThis as unknown as {
      document: { body: unknown; querySelectorAll(selector: string): ArrayLike<Bar> };
      MutationObserver: new (
        callback: () => void,
      ) => { observe(target: unknown, options: Record<string, boolean>): void };
      progressSeen: number[];
    };
    scope.progressSeen = [];
    const note = () => {
      // Only this rotation's bar: the one before it may still be on the page until the new job replaces it.
      const bar = Array.from(scope.document.querySelectorAll('progress')).find((candidate) =>
        candidate
          .closest('section')
          ?.textContent.toLowerCase()
          .includes(`rotation of the ${name.toLowerCase()}`),
      );
      if (bar !== undefined && scope.progressSeen.at(-1) !== bar.value) scope.progressSeen.push(bar.value);
    };
    new scope.MutationObserver(note).observe(scope.document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true,
    });
  }, keyName);
}

/** Starts a rotation from the form and waits for its bar to reach 100% with the job completed. */
async function rotate(keyOption: string, keyName: string): Promise<{ status: string; seen: number[] }> {
  const { page } = session;
  const form = page.getByRole('region', { name: 'Rotate a key' });
  await form.getByLabel('Key to rotate', { exact: true }).selectOption(keyOption);
  if (keyOption !== 'master') await form.getByLabel('Collection', { exact: true }).selectOption(collection);
  await recordProgress(keyName);
  await form.getByRole('button', { name: 'Start rotation', exact: true }).click();
  const watch = page.getByRole('region', { name: `Rotation of the ${keyName}` });
  const bar = watch.getByRole('progressbar', { name: 'Rotation progress' });
  await bar.waitFor();
  await watch
    .getByRole('status')
    .filter({ hasText: /^(Completed|Failed):/ })
    .waitFor();
  const status = (await watch.getByRole('status').textContent()) ?? '';
  expect(status).toMatch(/^Completed: .*\(100%\)/);
  expect(await bar.evaluate((element) => (element as unknown as { value: number }).value)).toBe(100);
  const seen = await page.evaluate(() => (globalThis as unknown as { progressSeen: number[] }).progressSeen);
  expect(seen.at(-1)).toBe(100);
  expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  return { status, seen };
}

describe('console keys: a rotation watched to 100%', { timeout: 120_000 }, () => {
  it("rotates the collection's data key, moving every record", async () => {
    const { page } = session;
    await openPage(page, 'Keys');
    await page.getByRole('heading', { name: 'Keys', level: 1 }).waitFor();
    const { status, seen } = await rotate('collection', 'Collection data key');
    expect(status).toContain(`${RECORDS} of ${RECORDS} moved`);
    // Watched on the way: at least one value between the start and the end.
    expect(seen.some((value) => value > 0 && value < 100)).toBe(true);
    await saveScreenshot(page, 'keys');
    await expectPageSound(session);
  });

  it('rotates the master key; the jobs table lists both rotations as completed', async () => {
    const { page } = session;
    await rotate('master', 'Master key');
    const jobs = page
      .getByRole('table')
      .filter({ has: page.getByRole('columnheader', { name: 'Versions' }) });
    const rows = jobs.getByRole('row').filter({ has: page.getByRole('rowheader') });
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    for (const row of await rows.all()) expect(await row.textContent()).toContain('completed');
    await expectPageSound(session);
  });
});
