/**
 * Debian's Chromium (playwright-core) on the console of a real server (test/helpers/console-server.ts), with what
 * every console test checks recorded as the page runs:
 * - every answer under /console/ carries a strict Content-Security-Policy;
 * - the access and refresh tokens the server hands out (read from the answers' JSON) are kept, so a test can check
 *   none of them, nor anything token-shaped, is in localStorage, sessionStorage or document.cookie;
 * - CSP and Trusted Types violations the browser reports, and uncaught page errors.
 *
 * TLS: the browser verifies the server by pinning the server certificate's public key
 * (`--ignore-certificate-errors-spki-list`, SHA-256 of its SPKI), not by `ignoreHTTPSErrors`. Chromium on Linux
 * trusts CAs only through an NSS database, which would need `certutil` (another package) and a profile of our
 * own; the pin accepts exactly the certificate this test's server holds (its key is made fresh per data
 * directory and checked to be issued by the data directory's CA) and nothing else, so a wrong certificate still
 * fails the page. Chromium honours the flag only with a --user-data-dir, which playwright gives every launch.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import axe from 'axe-core';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { ConsoleServer } from './console-server.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const ARTIFACT_DIR = path.resolve('test-artifacts/console');
/** The launch arguments the issue names, plus the certificate pin. */
const BASE_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
/** An install of the chromium package on a clean CI machine can take minutes: a beforeAll gets this long. */
export const BROWSER_SETUP_TIMEOUT_MS = 600_000;

const TOKEN_SHAPES = [/eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/, /sr[rk]_[0-9A-Za-z]{16,}/];

export interface ConsoleBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Every access_token and refresh_token the server answered the page with. */
  tokens: Set<string>;
  /** Every answer under /console/ seen, with its CSP header (null when missing). */
  consoleAnswers: { url: string; status: number; csp: string | null }[];
  /** CSP / Trusted Types violations reported by the browser, and uncaught page errors. */
  violations: string[];
  /** Waits until every answer seen so far has been read for tokens. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** Installs Chromium when missing (scripts/ensure-chromium.mjs; `npm test` runs it first) and fails if it can't. */
function ensureChromium(): void {
  if (fs.existsSync(CHROMIUM_PATH)) return;
  const result = spawnSync(process.execPath, [path.resolve('scripts/ensure-chromium.mjs')], {
    stdio: 'inherit',
  });
  if (result.status !== 0 || !fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing and could not be installed (scripts/ensure-chromium.mjs)`);
  }
}

/** A browser on `server`, at 1280×800 unless told otherwise. */
export async function openConsoleBrowser(
  server: ConsoleServer,
  viewport = { width: 1280, height: 800 },
): Promise<ConsoleBrowser> {
  ensureChromium();
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...BASE_ARGS, `--ignore-certificate-errors-spki-list=${server.certificateSpki}`],
  });
  const context = await browser.newContext({ viewport });
  // Shorter than a test's timeout, so a missing element fails with playwright's message naming it.
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const tokens = new Set<string>();
  const consoleAnswers: ConsoleBrowser['consoleAnswers'] = [];
  const violations: string[] = [];
  const reading: Promise<void>[] = [];
  const origin = new URL(server.url).origin;

  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.origin !== origin) return;
    if (url.pathname === '/console' || url.pathname.startsWith('/console/')) {
      consoleAnswers.push({
        url: url.pathname,
        status: response.status(),
        csp: response.headers()['content-security-policy'] ?? null,
      });
    }
    if (!(response.headers()['content-type'] ?? '').includes('json')) return;
    reading.push(
      response.text().then(
        (body) => {
          for (const name of ['access_token', 'refresh_token']) {
            for (const match of body.matchAll(new RegExp(`"${name}"\\s*:\\s*"([^"]+)"`, 'g'))) {
              if (match[1] !== undefined) tokens.add(match[1]);
            }
          }
        },
        // A redirect or an answer the page navigated away from has no body to read.
        () => undefined,
      ),
    );
  });
  page.on('console', (message) => {
    if (/Content Security Policy|Trusted Type/i.test(message.text())) violations.push(message.text());
  });
  page.on('pageerror', (error) => violations.push(`page error: ${error.message}`));

  return {
    browser,
    context,
    page,
    tokens,
    consoleAnswers,
    violations,
    async settle() {
      await Promise.all(reading);
    },
    async close() {
      await browser.close();
    },
  };
}

/** Problems with the CSP of every console answer seen (empty when all are strict). */
export function cspProblems(answers: ConsoleBrowser['consoleAnswers']): string[] {
  const problems: string[] = [];
  for (const answer of answers) {
    const csp = answer.csp;
    if (csp === null) {
      problems.push(`${answer.url} (${answer.status}): no Content-Security-Policy`);
      continue;
    }
    const directives = new Map(
      csp
        .split(';')
        .map((part) => part.trim().split(/\s+/))
        .filter((words) => words[0] !== undefined && words[0] !== '')
        .map((words) => [words[0]?.toLowerCase() ?? '', words.slice(1)]),
    );
    if (directives.get('default-src')?.join(' ') !== "'self'") problems.push(`${answer.url}: default-src`);
    if (directives.get('frame-ancestors')?.join(' ') !== "'none'")
      problems.push(`${answer.url}: frame-ancestors`);
    if (directives.get('require-trusted-types-for')?.join(' ') !== "'script'") {
      problems.push(`${answer.url}: require-trusted-types-for`);
    }
    if (/unsafe-inline|unsafe-eval|unsafe-hashes/.test(csp)) problems.push(`${answer.url}: allows unsafe-*`);
  }
  return problems;
}

/** What the page's own script sees of one web storage (the tests compile without the DOM library). */
interface PageStorage {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
}

/** Everything the page's script can read of web storage and cookies, as one text. */
export async function readableStorage(page: Page): Promise<string> {
  return page.evaluate(() => {
    const scope = globalThis as unknown as {
      localStorage: PageStorage;
      sessionStorage: PageStorage;
      document: { cookie: string };
    };
    const dump = (storage: PageStorage) =>
      Array.from({ length: storage.length }, (_, i) => {
        const key = storage.key(i) ?? '';
        return `${key}=${storage.getItem(key) ?? ''}`;
      }).join('\n');
    return [dump(scope.localStorage), dump(scope.sessionStorage), scope.document.cookie].join('\n');
  });
}

/** Fails unless `tokens` holds at least one token and none of them, nor anything token-shaped, is stored. */
export async function expectNoStoredTokens(session: ConsoleBrowser): Promise<void> {
  await session.settle();
  if (session.tokens.size === 0) throw new Error('no access token was seen: the check would prove nothing');
  const stored = await readableStorage(session.page);
  for (const token of session.tokens) {
    if (stored.includes(token))
      throw new Error('a token the server issued is in web storage or document.cookie');
  }
  for (const shape of TOKEN_SHAPES) {
    if (shape.test(stored))
      throw new Error(`something token-shaped (${shape.source}) is in storage or cookies`);
  }
}

/** axe-core's serious and critical violations on the page as it is now (WCAG 2 A/AA and best practices). */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  // page.evaluate runs over the DevTools protocol, which the page's CSP does not govern: no inline script needed.
  await page.evaluate(axe.source);
  const results = await page.evaluate(() => {
    const scope = globalThis as unknown as { axe: typeof axe; document: axe.ElementContext };
    return scope.axe.run(scope.document, { resultTypes: ['violations'] });
  });
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/** Saves a full-page screenshot as test-artifacts/console/<name>.png. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACT_DIR, { recursive: true });
  const file = path.join(ARTIFACT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** For an afterEach: a failed test leaves test-artifacts/console/failed-<test name>.png behind. */
export async function screenshotIfFailed(
  session: ConsoleBrowser | undefined,
  context: { task: { name: string; result?: { state?: string } } },
): Promise<void> {
  if (session === undefined || context.task.result?.state !== 'fail') return;
  await saveScreenshot(session.page, `failed-${context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`);
}
