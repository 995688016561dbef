/**
 * Reads Project Wycheproof vectors (C2SP/wycheproof, Apache-2.0) in place from ../shared/vectors, as its README asks.
 * A fresh clone without that folder skips these tests, visibly.
 */
import fs from 'node:fs';
import path from 'node:path';

export const WYCHEPROOF_DIR = path.resolve('../shared/vectors/wycheproof');
export const hasWycheproof = fs.existsSync(WYCHEPROOF_DIR);

export interface WycheproofFile<Group> {
  algorithm: string;
  testGroups: Group[];
}

export function loadWycheproof<Group>(file: string): WycheproofFile<Group> {
  return JSON.parse(fs.readFileSync(path.join(WYCHEPROOF_DIR, file), 'utf8')) as WycheproofFile<Group>;
}
