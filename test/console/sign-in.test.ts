/**
 * The console's sign-in in Debian's Chromium against a real server: the browser verifies the server by its pinned
 * certificate (a browser without the pin refuses it), the initial admin signs in (changing the one-time password
 * when the server asks), tokens stay in memory (none in storage or cookies; a reload signs out), every answer
 * under /console/ carries the strict CSP, and neither page has a serious or critical axe finding.
 */
import { chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BROWSER_SETUP_TIMEOUT_MS,
  CHROMIUM_PATH,
  type ConsoleBrowser,
  openConsoleBrowser,
  saveScreenshot,
  screenshotIfFailed,
} from '../helpers/console-browser.js';
import { expectPageSound, signInAsAdmin } from '../helpers/console-pages.js';
import { type ConsoleServer, startConsoleServer } from '../helpers/console-server.js';

let server: ConsoleServer;
let session: ConsoleBrowser;

beforeAll(async () => {
  server = await startConsoleServer();
  session = await openConsoleBrowser(server);
}, BROWSER_SETUP_TIMEOUT_MS);

afterEach(async (context) => screenshotIfFailed(session, context));

afterAll(async () => {
  await session?.close();
  await server?.close();
});

describe('console sign-in', { timeout: 120_000 }, () => {
  it('is refused by a browser that does not pin the test certificate', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage();
      await expect(page.goto(server.consoleUrl)).rejects.toThrow(/ERR_CERT/);
    } finally {
      await browser.close();
    }
  });

  it('shows the sign-in form under a strict CSP, with no serious accessibility finding', async () => {
    const { page } = session;
    const answer = await page.goto(server.consoleUrl);
    expect(answer?.status()).toBe(200);
    await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await saveScreenshot(page, 'sign-in');
    expect(
      await page.evaluate(() => (globalThis as unknown as { isSecureContext: boolean }).isSecureContext),
    ).toBe(true);
    // Scripts and styles of the page are answers under /console/ too: each carries the policy.
    expect(session.consoleAnswers.length).toBeGreaterThan(1);
  });

  it('signs the initial admin in; the tokens stay in memory and a reload signs out', async () => {
    const { page } = session;
    await signInAsAdmin(session, server);
    await page.getByText('Signed in as admin').waitFor();
    // No route opens Posture; with GET /v1/sys/posture granted to admin it shows the deployment's report.
    await page.getByRole('heading', { name: 'Posture', level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Deployment posture' }).waitFor();
    await saveScreenshot(page, 'posture');
    await expectPageSound(session);

    await page.reload();
    await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    await expectPageSound(session);
  });

  it('a wrong password is refused with a message, and nothing is stored', async () => {
    const { page } = session;
    await page.getByLabel('Username', { exact: true }).fill('admin');
    await page.getByLabel('Password', { exact: true }).fill('not-the-password-at-all');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').first().waitFor();
    await expect(page.getByRole('navigation', { name: 'Console' }).count()).resolves.toBe(0);
    await expectPageSound(session);
  });
});
