/**
 * The Posture page in Debian's Chromium against a real development server (development key file, generated
 * certificate, initial password file): it lists the findings of `strongroom check deployment`'s posture rules,
 * judged in the browser by the same code, highest severity first with a count per severity; the development root
 * key is a high finding with its why and fix; the raw posture is one <details> away; axe finds nothing serious.
 * A user the policy does not grant read_posture sees the readiness details instead, told why.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYMENT_RULES } from '../../src/check/deployment/deployment-rules.js';
import {
  BROWSER_SETUP_TIMEOUT_MS,
  type ConsoleBrowser,
  cspProblems,
  openConsoleBrowser,
  saveScreenshot,
  screenshotIfFailed,
  seriousAxeViolations,
} from '../helpers/console-browser.js';
import { openPage, signIn, signInAsAdmin, signOut } from '../helpers/console-pages.js';
import { type ConsoleServer, startConsoleServer } from '../helpers/console-server.js';
import { strongPassword } from '../helpers/test-app.js';

let server: ConsoleServer;
let session: ConsoleBrowser;

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

describe('console posture page', { timeout: 120_000 }, () => {
  it('lists the development root key as a high finding, highest first, with counts and the raw posture', async () => {
    const { page } = session;
    await openPage(page, 'Posture');
    const region = page.getByRole('region', { name: 'Deployment posture' });
    const findings = region.getByRole('list', { name: 'Findings, highest severity first' });
    await findings.waitFor();
    const rule = DEPLOYMENT_RULES.rootKeyDevelopment;
    const item = findings.getByRole('listitem').filter({ hasText: rule.id });
    expect(await item.count()).toBe(1);
    const heading = item.getByRole('heading', { level: 3 });
    expect((await heading.textContent())?.trim()).toBe(`high ${rule.title}`);
    expect(await item.textContent()).toContain(rule.why);
    expect(await item.textContent()).toContain(rule.help);

    // Highest first: no finding of a lower severity comes before a higher one.
    const order = ['high', 'medium', 'low'];
    const severities = await findings.locator('li.finding h3 .badge').allTextContents();
    expect(severities.length).toBeGreaterThan(1);
    expect(severities.map((s) => order.indexOf(s))).toEqual(
      [...severities.map((s) => order.indexOf(s))].sort((a, b) => a - b),
    );
    const totals = await region
      .getByRole('list', { name: 'Findings per severity' })
      .getByRole('listitem')
      .allTextContents();
    expect(totals).toEqual(order.map((s) => `${s} ${severities.filter((found) => found === s).length}`));

    await expect(region.getByText('strongroom check deployment').first().isVisible()).resolves.toBe(true);
    const raw = region.locator('details');
    expect(await raw.getAttribute('open')).toBeNull();
    await raw.getByText('Raw posture', { exact: true }).click();
    await raw.getByText('strongroom-posture-v1', { exact: true }).waitFor();

    await saveScreenshot(page, 'posture-findings');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(cspProblems(session.consoleAnswers)).toEqual([]);
    expect(session.violations).toEqual([]);
  });

  it('a user without read_posture gets the readiness details, told the posture was refused', async () => {
    const { page } = session;
    await openPage(page, 'Users');
    const create = page.getByRole('region', { name: 'Create a user' });
    const password = strongPassword();
    await create.getByRole('textbox', { name: 'New username' }).fill('reader');
    await create.getByRole('textbox', { name: 'Initial password' }).fill(password);
    await create.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('rowheader', { name: 'reader', exact: true }).waitFor();
    await signOut(page);
    // From the console's own address (no page named), a user without the admin role lands on their own API keys,
    // not on a page that refuses them.
    await page.evaluate(() => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = '#/';
    });
    await signIn(session, 'reader', password);
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
    await openPage(page, 'Posture');
    const readiness = page.getByRole('region', { name: 'Readiness' });
    await readiness.getByText('The posture report was refused (FORBIDDEN)', { exact: false }).waitFor();
    expect(await page.getByRole('region', { name: 'Deployment posture' }).count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(cspProblems(session.consoleAnswers)).toEqual([]);
  });
});
