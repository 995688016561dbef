// @ts-check
/**
 * The zxcvbn strength score of a password, in plain JavaScript so that the same file runs in the strength worker
 * (password-strength-worker.js) from the TypeScript sources under vitest and from dist alike: a worker thread
 * cannot load TypeScript. The only copy of the zxcvbn options: the worker and an in-thread check score alike.
 * Cost: zxcvbn looks at the first 64 code points with at most 20 l33t substitutions, tens of milliseconds per
 * check, which is still too long for the event loop (see strength-worker.ts).
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

/** Code points zxcvbn looks at; longer passwords are judged by their first 64. */
export const SCORED_CODE_POINTS = 64;

/**
 * A scorer: the zxcvbn score (0 to 4) of an already normalised password, weighing `userInputs` (e.g. the
 * username) as words an attacker would try.
 * @returns {(password: string, userInputs: readonly string[]) => number}
 */
export function createStrengthScorer() {
  const zxcvbn = new ZxcvbnFactory({
    dictionary: { ...dictionary },
    graphs: adjacencyGraphs,
    maxLength: SCORED_CODE_POINTS,
    l33tMaxSubstitutions: 20,
  });
  return (password, userInputs) => zxcvbn.check(password, [...userInputs]).score;
}
