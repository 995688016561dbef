/** The log corpus of test/fixtures/check-logs: where each secret is, and the values a report must never show. */
import fs from 'node:fs';
import path from 'node:path';

export const CORPUS_DIR = path.resolve(import.meta.dirname, '../fixtures/check-logs');

export interface ExpectedSecret {
  readonly file: string;
  readonly line: number;
  readonly rule: string;
  readonly values: readonly string[];
}

export const EXPECTED: readonly ExpectedSecret[] = JSON.parse(
  fs.readFileSync(path.join(CORPUS_DIR, 'expected.json'), 'utf8'),
).secrets;

/** Every secret value of the corpus (each line of a PEM body on its own): none may appear in a report or copy. */
export function secretValues(): string[] {
  return EXPECTED.flatMap((secret) => secret.values);
}
