import { describe, expect, it } from 'vitest';
import { redactLogArguments } from './log-arguments.js';

const CARD = '4242424242424242';

describe('redactLogArguments', () => {
  it('scrubs every string argument', () => {
    expect(redactLogArguments([{ a: 1 }, `card ${CARD}`, CARD])).toEqual([
      { a: 1 },
      'card [REDACTED:card_number]',
      '[REDACTED:card_number]',
    ]);
  });

  it('gives an error logged without a message its scrubbed message', () => {
    const error = new Error(`card ${CARD}`);
    expect(redactLogArguments([error])).toEqual([error, 'card [REDACTED:card_number]']);
    expect(redactLogArguments([{ err: error }])).toEqual([{ err: error }, 'card [REDACTED:card_number]']);
    expect(redactLogArguments([error, 'failed'])).toEqual([error, 'failed']);
  });
});
