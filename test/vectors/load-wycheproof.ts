/**
 * Reads the Project Wycheproof vectors (C2SP/wycheproof, Apache-2.0) committed in test/vectors/wycheproof. A missing
 * or unreadable file fails the test that asks for it: known-answer tests never skip silently.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const WYCHEPROOF_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'wycheproof');

export interface WycheproofFile<Group> {
  algorithm: string;
  testGroups: Group[];
}

export function loadWycheproof<Group>(file: string): WycheproofFile<Group> {
  const parsed = JSON.parse(
    fs.readFileSync(path.join(WYCHEPROOF_DIR, file), 'utf8'),
  ) as WycheproofFile<Group>;
  if (!Array.isArray(parsed.testGroups) || parsed.testGroups.length === 0) {
    throw new Error(`Wycheproof file ${file} has no test groups`);
  }
  return parsed;
}
