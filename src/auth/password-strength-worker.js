// @ts-check
/**
 * The strength worker's entry (a worker thread, see strength-worker.ts): scores one password per message, in
 * order, and answers `{ score }`; `ready` once zxcvbn's dictionaries are loaded. Plain JavaScript for the reason in
 * password-strength.js. Passwords arrive in memory only (a message between threads of this process) and are never
 * logged or answered back.
 */
import { parentPort } from 'node:worker_threads';
import { createStrengthScorer } from './password-strength.js';

const port = parentPort;
if (port === null) throw new Error('password-strength-worker.js runs as a worker thread only');
const score = createStrengthScorer();
port.on('message', (/** @type {{ password: string, userInputs: string[] }} */ task) => {
  port.postMessage({ score: score(task.password, task.userInputs) });
});
port.postMessage('ready');
