/**
 * The console's Users page in Debian's Chromium against a real server: an administrator creates a user, disables
 * and enables it, edits its roles and resets its password (the one-time password is shown once); that user then
 * signs in with it and must choose a new password before the console opens. After each flow: no token in storage
 * or cookies, the strict CSP on every console answer, no serious or critical axe finding.
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
import { expectPageSound, openPage, signIn, signInAsAdmin, signOut } from '../helpers/console-pages.js';
import { type ConsoleServer, startConsoleServer } from '../helpers/console-server.js';
import { strongPassword } from '../helpers/test-app.js';

let server: ConsoleServer;
let session: ConsoleBrowser;
const username = `ada${randomBytes(3).toString('hex')}`;

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

describe('console users', { timeout: 120_000 }, () => {
  it('creates a user, who is listed with its roles and enabled', async () => {
    const { page } = session;
    await openPage(page, 'Users');
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    const create = page.getByRole('region', { name: 'Create a user' });
    await create.getByLabel('New username', { exact: true }).fill(username);
    await create.getByLabel('Initial password', { exact: true }).fill(strongPassword());
    await create.getByLabel('Roles', { exact: true }).fill('user, monitor');
    await create.getByRole('button', { name: 'Create user', exact: true }).click();

    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: username }) });
    await row.getByText('enabled', { exact: true }).waitFor();
    expect(await row.getByRole('cell').first().textContent()).toBe('user, monitor');
    await saveScreenshot(page, 'users');
    await expectPageSound(session);
  });

  it('disables and enables the user, and edits its roles', async () => {
    const { page } = session;
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: username }) });
    await page.getByRole('button', { name: `Disable ${username}`, exact: true }).click();
    await row.getByText('disabled', { exact: true }).waitFor();
    await page.getByRole('button', { name: `Enable ${username}`, exact: true }).click();
    await row.getByText('enabled', { exact: true }).waitFor();

    await page.getByRole('button', { name: `Edit roles of ${username}`, exact: true }).click();
    await page.getByLabel(`Roles of ${username}`, { exact: true }).fill('user');
    await row.getByRole('button', { name: 'Save roles', exact: true }).click();
    await row.getByRole('cell', { name: 'user', exact: true }).waitFor();
    await expectPageSound(session);
  });

  it('resets the password: shown once, then the user must change it at sign-in', async () => {
    const { page } = session;
    await page.getByRole('button', { name: `Reset password of ${username}`, exact: true }).click();
    const label = `One-time password for ${username}`;
    const shown = page.getByRole('region', { name: label });
    const oneTimePassword = await shown.getByRole('textbox', { name: label }).inputValue();
    expect(oneTimePassword.length).toBeGreaterThanOrEqual(12);
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: username }) });
    await row.getByText('must change password').waitFor();
    await shown.getByRole('button', { name: 'Done', exact: true }).click();
    await shown.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(oneTimePassword);
    expect(await readableStorage(page)).not.toContain(oneTimePassword);
    await expectPageSound(session);

    await signOut(page);
    const chosen = await signIn(session, username, oneTimePassword);
    expect(chosen).not.toBe(oneTimePassword);
    await page.getByText(`Signed in as ${username}`).waitFor();
    await expectPageSound(session);

    // The new password is the one in force: signed out, it signs in without another change.
    await signOut(page);
    expect(await signIn(session, username, chosen)).toBe(chosen);
    await expectPageSound(session);
  });
});
