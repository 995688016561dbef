/**
 * Applying a bad policy in the console, in Debian's Chromium against a real server: a refusal by the server
 * (an unknown action) and a YAML error found in the page (nothing sent) are both shown at their line, in the
 * alert, in the editor (selected, aria-invalid) and in the marked copy of the text; the policy in force stays
 * version 1 until a good document is applied. After each flow: no token in storage or cookies, the strict CSP
 * on every console answer, no serious or critical axe finding.
 */
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

let server: ConsoleServer;
let session: ConsoleBrowser;
const policyWrites: string[] = [];

beforeAll(async () => {
  server = await startConsoleServer();
  session = await openConsoleBrowser(server);
  session.page.on('request', (request) => {
    if (request.method() !== 'GET' && new URL(request.url()).pathname.startsWith('/v1/policies')) {
      policyWrites.push(`${request.method()} ${new URL(request.url()).pathname}`);
    }
  });
  await signInAsAdmin(session, server);
}, BROWSER_SETUP_TIMEOUT_MS);

afterEach(async (context) => screenshotIfFailed(session, context));

afterAll(async () => {
  await session?.close();
  await server?.close();
});

/** The 1-based number of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  if (index === -1) throw new Error(`no line holds ${needle}`);
  return index + 1;
}

/** Checks the error is shown at `line` everywhere the page shows it. */
async function expectErrorAtLine(line: number): Promise<void> {
  const { page } = session;
  const alert = page.getByRole('alert').filter({ hasText: 'The policy was not applied.' });
  await alert.waitFor();
  expect(await alert.getByRole('listitem').allTextContents()).toEqual([
    expect.stringMatching(new RegExp(`^Line ${line}: `)),
  ]);
  const editor = page.getByLabel('Policy document (YAML or JSON)', { exact: true });
  expect(await editor.getAttribute('aria-invalid')).toBe('true');
  await alert.getByRole('button', { name: `Go to line ${line}`, exact: true }).click();
  const selected = await editor.evaluate((element) => {
    const area = element as unknown as { value: string; selectionStart: number; selectionEnd: number };
    return {
      before: area.value.slice(0, area.selectionStart),
      text: area.value.slice(area.selectionStart, area.selectionEnd),
    };
  });
  // The selection is the whole of that line.
  expect(selected.before.split('\n').length).toBe(line);
  expect(selected.text).not.toContain('\n');
  const marked = page.getByRole('region', { name: 'Policy text with the error marked' });
  const errorLines = marked.locator('div.line.error-line');
  expect(await errorLines.count()).toBe(1);
  expect(await errorLines.getAttribute('data-line')).toBe(String(line));
  expect(await errorLines.textContent()).toContain(`Error on line ${line}:`);
  await page.getByRole('heading', { name: 'Current policy: version 1' }).waitFor();
}

describe('console policies: a bad policy is shown at its line', { timeout: 120_000 }, () => {
  it('shows the policy in force with its history', async () => {
    const { page } = session;
    await openPage(page, 'Policies');
    await page.getByRole('heading', { name: 'Policies', level: 1 }).waitFor();
    const current = page.getByRole('region', { name: 'Policy version 1' });
    // count() does not wait: wait for the highlighted text to render first (it arrives after the heading).
    await current.locator('div.line').nth(10).waitFor();
    expect(await current.locator('div.line').count()).toBeGreaterThan(10);
    const history = page.getByRole('region', { name: 'History' });
    await history.getByRole('rowheader', { name: '1' }).waitFor();
    await saveScreenshot(page, 'policies');
    await expectPageSound(session);
  });

  it('a refusal by the server (an unknown action) is shown at the line of that action', async () => {
    const { page } = session;
    const editor = page.getByLabel('Policy document (YAML or JSON)', { exact: true });
    const text = await editor.inputValue();
    expect(text).toContain('read_metrics');
    const bad = text.replace('read_metrics', 'read_everything');
    await editor.fill(bad);
    const answered = page.waitForResponse((response) => response.request().method() === 'PUT');
    await page.getByRole('button', { name: 'Apply policy', exact: true }).click();
    const answer = await answered;
    expect(answer.status()).toBe(400);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    await expectErrorAtLine(lineOf(bad, 'read_everything'));
    await saveScreenshot(page, 'policy-error');
    await expectPageSound(session);
  });

  it('a YAML error is found in the page and shown at its line, and nothing is sent', async () => {
    const { page } = session;
    const writesBefore = policyWrites.length;
    const editor = page.getByLabel('Policy document (YAML or JSON)', { exact: true });
    await editor.fill(
      ['version: 1', 'purposes: [support]', 'roles: {}', 'purposes: [billing]', ''].join('\n'),
    );
    await page.getByRole('button', { name: 'Apply policy', exact: true }).click();
    await expectErrorAtLine(4);
    expect(policyWrites.length).toBe(writesBefore);
    await expectPageSound(session);
  });

  it('after "Reset editor" the document applies as version 2', async () => {
    const { page } = session;
    await page.getByRole('button', { name: 'Reset editor', exact: true }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'The policy was not applied.' })
      .waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Apply policy', exact: true }).click();
    // The page reloads the policy in force (its "Applied as version 2" status goes with the editor it replaces).
    await page.getByRole('heading', { name: 'Current policy: version 2' }).waitFor();
    const history = page.getByRole('region', { name: 'History' });
    await history.getByRole('button', { name: 'Roll back to version 1', exact: true }).waitFor();
    expect(
      await history.getByRole('row').filter({ hasText: 'in force' }).getByRole('rowheader').textContent(),
    ).toMatch(/^2/);
    expect(policyWrites.filter((write) => write === 'PUT /v1/policies')).toHaveLength(2);
    await expectPageSound(session);
  });
});
