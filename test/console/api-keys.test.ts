/**
 * API keys in the console, in Debian's Chromium against a real server: a key is shown once at creation (its copy
 * button puts it on the clipboard) and never again: not after "Done", not in the table, not in storage or
 * cookies; it works against the API; revoking it from the table ends it. An administrator also mints a key for
 * a service account from its own list. After each flow: no token in storage or cookies, the strict CSP on every
 * console answer, no serious or critical axe finding.
 */
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BROWSER_SETUP_TIMEOUT_MS,
  type ConsoleBrowser,
  openConsoleBrowser,
  readableStorage,
  saveScreenshot,
  screenshotIfFailed,
} from '../helpers/console-browser.js';
import { expectPageSound, openPage, signInAsAdmin } from '../helpers/console-pages.js';
import { type ConsoleServer, startConsoleServer } from '../helpers/console-server.js';
import { bearer, createNodeClient } from '../helpers/multinode-http.js';

let server: ConsoleServer;
let session: ConsoleBrowser;
let api: ReturnType<typeof createNodeClient>;

beforeAll(async () => {
  server = await startConsoleServer();
  api = createNodeClient(server.url, fs.readFileSync(server.caFile));
  session = await openConsoleBrowser(server);
  await session.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: new URL(server.url).origin,
  });
  await signInAsAdmin(session, server);
}, BROWSER_SETUP_TIMEOUT_MS);

afterEach(async (context) => screenshotIfFailed(session, context));

afterAll(async () => {
  api?.close();
  await session?.close();
  await server?.close();
});

/** Creates a key named `name` in the "Create a key" form and returns it as shown once. */
async function createKey(name: string): Promise<string> {
  const { page } = session;
  const form = page.getByRole('region', { name: 'Create a key' });
  await form.getByLabel('Key name', { exact: true }).fill(name);
  await form.getByRole('button', { name: 'Create key', exact: true }).click();
  const shown = page.getByRole('region', { name: 'New API key' });
  const key = await shown.getByRole('textbox', { name: 'New API key' }).inputValue();
  expect(key).toMatch(/^srk_[0-9A-Za-z]+$/);
  return key;
}

/** Fails if `key` is anywhere the page or its storage holds it. */
async function expectKeyGone(key: string): Promise<void> {
  const { page } = session;
  await page.getByRole('region', { name: 'New API key' }).waitFor({ state: 'detached' });
  expect(await page.content()).not.toContain(key);
  expect(
    await page.evaluate(
      () => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText,
    ),
  ).not.toContain(key);
  expect(await readableStorage(page)).not.toContain(key);
}

describe('console API keys: shown once', { timeout: 120_000 }, () => {
  let key = '';

  it('shows a new key once, with a copy button, and it works against the API', async () => {
    const { page } = session;
    await openPage(page, 'API keys');
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
    key = await createKey('reporting');
    const shown = page.getByRole('region', { name: 'New API key' });
    await shown.getByRole('button', { name: 'Copy', exact: true }).click();
    await shown.getByRole('status').filter({ hasText: 'Copied to the clipboard' }).waitFor();
    const copied = await page.evaluate(() =>
      (
        globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
      ).navigator.clipboard.readText(),
    );
    expect(copied).toBe(key);
    await page.getByRole('rowheader', { name: 'reporting', exact: true }).waitFor();
    await saveScreenshot(page, 'api-keys');

    expect((await api.get('/v1/me', bearer(key))).status).toBe(200);
    await shown.getByRole('button', { name: 'Done', exact: true }).click();
    await expectKeyGone(key);
    await expectPageSound(session);
  });

  it('never shows it again: not after navigating away and back', async () => {
    const { page } = session;
    await openPage(page, 'Users');
    await openPage(page, 'API keys');
    await page.getByRole('rowheader', { name: 'reporting', exact: true }).waitFor();
    await expectKeyGone(key);
    await expectPageSound(session);
  });

  it('revokes the key from the table, and the API refuses it', async () => {
    const { page } = session;
    await page.getByRole('button', { name: 'Revoke reporting', exact: true }).click();
    await page.getByRole('rowheader', { name: 'reporting', exact: true }).waitFor({ state: 'detached' });
    expect((await api.get('/v1/me', bearer(key))).status).toBe(401);
    await expectPageSound(session);
  });

  it("mints a key for a service account from that account's list", async () => {
    const { page } = session;
    await openPage(page, 'Users');
    const create = page.getByRole('region', { name: 'Create a user' });
    await create.getByLabel('New username', { exact: true }).fill('billing-bot');
    await create.getByLabel('Roles', { exact: true }).fill('monitor');
    await create.getByLabel('Service account (no password; an administrator mints its API keys)').check();
    await create.getByRole('button', { name: 'Create user', exact: true }).click();
    await page.getByRole('link', { name: 'API keys of billing-bot', exact: true }).click();
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Keys (billing-bot)', exact: true }).waitFor();
    const whose = page.getByLabel('Whose keys', { exact: true });
    expect(await whose.locator('option:checked').textContent()).toBe('Service account billing-bot');
    const botKey = await createKey('scraper');
    const me = await api.get('/v1/me', bearer(botKey));
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('billing-bot');
    await page.getByRole('region', { name: 'New API key' }).getByRole('button', { name: 'Done' }).click();
    await expectKeyGone(botKey);
    await expectPageSound(session);
  });
});
