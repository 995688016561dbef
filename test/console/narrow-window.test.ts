/**
 * The console in a narrow window (390×844, a phone held upright), in Debian's Chromium against a real server:
 * every page opens from the navigation by keyboard, nothing makes the page itself scroll sideways (wide tables
 * scroll in their own box), "Skip to content" is the first stop of the tab order and moves focus to the page,
 * and no page has a serious or critical axe finding at that width.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BROWSER_SETUP_TIMEOUT_MS,
  type ConsoleBrowser,
  cspProblems,
  expectNoStoredTokens,
  openConsoleBrowser,
  saveScreenshot,
  screenshotIfFailed,
  seriousAxeViolations,
} from '../helpers/console-browser.js';
import { signInAsAdmin } from '../helpers/console-pages.js';
import { type ConsoleServer, startConsoleServer } from '../helpers/console-server.js';

const PAGES = ['Users', 'API keys', 'Collections', 'Policies', 'Audit', 'Keys', 'Posture'];
let server: ConsoleServer;
let session: ConsoleBrowser;

beforeAll(async () => {
  server = await startConsoleServer();
  session = await openConsoleBrowser(server, { width: 390, height: 844 });
  await signInAsAdmin(session, server);
}, BROWSER_SETUP_TIMEOUT_MS);

afterEach(async (context) => screenshotIfFailed(session, context));

afterAll(async () => {
  await session?.close();
  await server?.close();
});

/** How far the page itself scrolls sideways (0 when everything fits the window's width). */
async function sidewaysOverflow(): Promise<number> {
  return session.page.evaluate(() => {
    const scope = globalThis as unknown as {
      innerWidth: number;
      document: { documentElement: { scrollWidth: number } };
    };
    return scope.document.documentElement.scrollWidth - scope.innerWidth;
  });
}

describe('console in a narrow window', { timeout: 120_000 }, () => {
  it('"Skip to content" is the first tab stop and moves focus into the page', async () => {
    const { page } = session;
    const first = await page.evaluate(() => {
      interface Focusable {
        tabIndex: number;
        textContent: string;
        matches(selector: string): boolean;
      }
      const scope = globalThis as unknown as {
        document: { querySelectorAll(s: string): ArrayLike<Focusable> };
      };
      const candidates = scope.document.querySelectorAll(
        'a[href], button, input, select, textarea, [tabindex]',
      );
      return Array.from(candidates)
        .find((element) => element.tabIndex >= 0 && !element.matches(':disabled'))
        ?.textContent.trim();
    });
    expect(first).toBe('Skip to content');
    await page.getByText('Skip to content', { exact: true }).focus();
    await page.keyboard.press('Enter');
    const focusedInMain = await page.evaluate(() => {
      const scope = globalThis as unknown as {
        document: { activeElement: { closest(selector: string): unknown } | null };
      };
      return (scope.document.activeElement?.closest('main, #main') ?? null) !== null;
    });
    expect(focusedInMain).toBe(true);
  });

  for (const name of PAGES) {
    it(`${name}: opens by keyboard and fits the width; axe finds nothing serious`, async () => {
      const { page } = session;
      const link = page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name, exact: true });
      await link.focus();
      await page.keyboard.press('Enter');
      await link.and(page.locator('[aria-current="page"]')).waitFor();
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      // Pages that load data show it (or its absence) before the check.
      await page.getByText('Loading…').waitFor({ state: 'detached' });
      expect(await sidewaysOverflow()).toBeLessThanOrEqual(0);
      await saveScreenshot(page, `narrow-${name.toLowerCase().replace(/\s+/g, '-')}`);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await expectNoStoredTokens(session);
      expect(cspProblems(session.consoleAnswers)).toEqual([]);
      expect(session.violations).toEqual([]);
    });
  }
});
