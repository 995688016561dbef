/**
 * A sensitive value in the console, in Debian's Chromium against a real server: an administrator creates a
 * collection and a record; the record is listed masked (the plain value is nowhere in the page); revealing it asks
 * for a purpose, shows the value, and the reveal is the `record.read` event with that purpose on the audit page.
 * After each flow: no token in storage or cookies, the strict CSP on every console answer, no serious or critical
 * axe finding.
 */
import { randomBytes } from 'node:crypto';
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

let server: ConsoleServer;
let session: ConsoleBrowser;
const collection = 'customers';
const email = `grace.${randomBytes(4).toString('hex')}@example.com`;
const subject = `subject-${randomBytes(4).toString('hex')}`;
let recordId = '';

beforeAll(async () => {
  server = await startConsoleServer();
  session = await openConsoleBrowser(server);
  await signInAsAdmin(session, server);
}, BROWSER_SETUP_TIMEOUT_MS);

afterEach(async (context) => screenshotIfFailed(session, context));

afterAll(async () => {
  await session?.close();
  await server?.close();
});

describe('console records: masked, revealed with a purpose, audited', { timeout: 120_000 }, () => {
  it('creates a collection with a sensitive, searchable field and a plain one', async () => {
    const { page } = session;
    await openPage(page, 'Collections');
    const create = page.getByRole('region', { name: 'Create a collection' });
    await create.getByLabel('Collection name', { exact: true }).fill(collection);
    await create.getByLabel('Field 1 name', { exact: true }).fill('email');
    await create.getByLabel('Field 1 type', { exact: true }).selectOption('email');
    await create.getByLabel('Field 1 searchable', { exact: true }).check();
    expect(await create.getByLabel('Field 1 sensitive', { exact: true }).isChecked()).toBe(true);
    await create.getByRole('button', { name: 'Add field', exact: true }).click();
    await create.getByLabel('Field 2 name', { exact: true }).fill('plan');
    await create.getByRole('button', { name: 'Create collection', exact: true }).click();

    const fields = page.getByRole('table', { name: `Fields of ${collection}` });
    const emailRow = fields.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'email' }) });
    await emailRow.waitFor();
    expect(await emailRow.getByRole('cell').allTextContents()).toEqual(['email', 'yes', 'yes', 'no']);
    const planRow = fields.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'plan' }) });
    expect(await planRow.getByRole('cell').allTextContents()).toEqual(['string', 'no', 'no', 'no']);
    await expectPageSound(session);
  });

  it('creates a record, listed with its sensitive value masked', async () => {
    const { page } = session;
    await page.getByRole('link', { name: `Browse records of ${collection}`, exact: true }).click();
    await page.getByRole('heading', { name: `Records of ${collection}`, level: 1 }).waitFor();
    await page.getByText('Create a record', { exact: true }).click();
    await page.getByLabel('Subject', { exact: true }).fill(subject);
    await page.getByLabel('email', { exact: true }).fill(email);
    await page.getByLabel('plan', { exact: true }).fill('gold');
    const answered = page.waitForResponse(
      (response) => response.request().method() === 'POST' && response.url().endsWith(`/records`),
    );
    await page.getByRole('button', { name: 'Create record', exact: true }).click();
    const created = await answered;
    expect(created.status()).toBe(201);
    recordId = ((await created.json()) as { id: string }).id;

    const row = page
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: recordId.slice(0, 8) }) });
    await row.getByRole('cell', { name: 'gold', exact: true }).waitFor();
    // The subject and the sensitive field are masked or withheld (without a purpose, as the policy decides):
    // neither plain value is anywhere in the page.
    const [subjectCell, emailCell] = await row.getByRole('cell').allTextContents();
    expect(subjectCell).toMatch(/^(\*+|withheld \([A-Z_]+\))$/);
    expect(emailCell).toMatch(/^(withheld \([A-Z_]+\)|.*\*.*)$/);
    expect(emailCell).not.toContain(email.split('@')[0]);
    const html = await page.content();
    expect(html).not.toContain(email);
    expect(html).not.toContain(subject);
    await saveScreenshot(page, 'records');
    await expectPageSound(session);
  });

  it('asks for a purpose before a reveal, then shows the value and says it is audited', async () => {
    const { page } = session;
    const id8 = recordId.slice(0, 8);
    await page.getByRole('button', { name: `Reveal record ${id8}`, exact: true }).click();
    const reveal = page.getByRole('region', { name: `Reveal record ${id8}` });
    await reveal.getByText('This reveal is audited.').waitFor();
    const submit = reveal.getByRole('button', { name: 'Reveal values', exact: true });
    expect(await submit.isDisabled()).toBe(true);
    expect(
      await reveal.getByRole('group', { name: 'Fields to reveal' }).getByLabel('email').isChecked(),
    ).toBe(true);
    const purpose = reveal.getByLabel('Purpose', { exact: true });
    if ((await purpose.evaluate((element) => element.tagName)) === 'SELECT')
      await purpose.selectOption('support');
    else await purpose.fill('support');
    await submit.click();

    await reveal.getByRole('status').filter({ hasText: 'Revealed for purpose support' }).waitFor();
    const value = reveal.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'email' }) });
    expect(await value.getByRole('cell').first().textContent()).toBe(email);
    expect(await readableStorage(page)).not.toContain(email);
    await saveScreenshot(page, 'record-revealed');
    await expectPageSound(session);

    await reveal.getByRole('button', { name: 'Hide values', exact: true }).click();
    await reveal.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(email);
  });

  it('finds the reveal on the audit page: record.read, with its purpose and the field released', async () => {
    const { page } = session;
    await openPage(page, 'Audit');
    await page.getByRole('heading', { name: 'Audit', level: 1 }).waitFor();
    await page.getByLabel('Action', { exact: true }).selectOption('record.read');
    await page.getByLabel('Subject', { exact: true }).fill(subject);
    await page.getByRole('button', { name: 'Search events', exact: true }).click();
    const events = page.getByRole('table', { name: /events, in seq order/ });
    await events.waitFor();
    const rows = events.getByRole('row').filter({ has: page.getByRole('rowheader') });
    expect(await rows.count()).toBe(1);
    const [, actor, action, outcome, resource, purpose, released] = await rows
      .first()
      .getByRole('cell')
      .allTextContents();
    expect(actor).toMatch(/^user:/);
    expect(action).toBe('record.read');
    expect(outcome).toBe('allowed');
    expect(resource).toContain(collection);
    expect(resource).toContain(recordId.slice(0, 8));
    expect(purpose).toBe('support');
    expect(released).toContain('email: plain');

    const chain = page.getByRole('region', { name: 'Chain verification' });
    await chain.getByRole('button', { name: 'Verify chain', exact: true }).click();
    await chain
      .getByRole('status')
      .filter({ hasText: /^Chain (intact|broken)/ })
      .waitFor();
    expect(await chain.getByRole('status').first().textContent()).toMatch(/^Chain intact/);
    await saveScreenshot(page, 'audit');
    await expectPageSound(session);
  });

  it('shows the collections page with its fields', async () => {
    const { page } = session;
    await openPage(page, 'Collections');
    await page.getByRole('table', { name: `Fields of ${collection}` }).waitFor();
    await saveScreenshot(page, 'collections');
    await expectPageSound(session);
  });
});
