/**
 * Steps through the console the way a person does, by the labels and roles packages/console/TESTING.md lists:
 * sign in (changing the initial password when the server asks for it) and open a page from the navigation.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import {
  type ConsoleBrowser,
  cspProblems,
  expectNoStoredTokens,
  seriousAxeViolations,
} from './console-browser.js';
import type { ConsoleServer } from './console-server.js';
import { strongPassword } from './test-app.js';

/**
 * Signs `username` in from the sign-in page; when the server demands a new password (an initial or reset one),
 * changes it. Returns the password now in force.
 */
export async function signIn(session: ConsoleBrowser, username: string, password: string): Promise<string> {
  const { page } = session;
  await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  const navigation = page.getByRole('navigation', { name: 'Console' });
  const changeHeading = page.getByRole('heading', { name: 'Change password', level: 1 });
  await navigation.or(changeHeading).first().waitFor();
  if (!(await changeHeading.isVisible())) return password;
  const chosen = strongPassword();
  await page.getByLabel('Current password', { exact: true }).fill(password);
  await page.getByLabel('New password', { exact: true }).fill(chosen);
  await page.getByLabel('Repeat new password', { exact: true }).fill(chosen);
  await page.getByRole('button', { name: 'Change password', exact: true }).click();
  await navigation.waitFor();
  return chosen;
}

/** Opens the console and signs the initial `admin` in with its one-time password. */
export async function signInAsAdmin(session: ConsoleBrowser, server: ConsoleServer): Promise<string> {
  await session.page.goto(server.consoleUrl);
  return signIn(session, 'admin', server.adminPassword);
}

/** Signs out and waits for the sign-in page. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
}

/** Opens a page by its navigation link and waits for it to be the current one with its <h1> shown. */
export async function openPage(page: Page, linkName: string): Promise<void> {
  const link = page
    .getByRole('navigation', { name: 'Console' })
    .getByRole('link', { name: linkName, exact: true });
  await link.click();
  await link.and(page.locator('[aria-current="page"]')).waitFor();
  await page.getByRole('heading', { level: 1 }).first().waitFor();
}

/**
 * What every flow ends with: no token in web storage or cookies, a strict CSP on every console answer so far,
 * no CSP or Trusted Types violation, and no serious or critical axe finding on the page as it is.
 */
export async function expectPageSound(session: ConsoleBrowser): Promise<void> {
  await expectNoStoredTokens(session);
  expect(session.consoleAnswers.length).toBeGreaterThan(0);
  expect(cspProblems(session.consoleAnswers)).toEqual([]);
  expect(session.violations).toEqual([]);
  expect(await seriousAxeViolations(session.page)).toEqual([]);
}
