import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './log.js';

const CARD = '4242424242424242';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  // pino's stream type wants `write(string)`: a Writable satisfies it at run time.
  return { lines, logger: createLogger({ level: 'info', destination: destination as never }) };
}

describe('createLogger', () => {
  it('never copies a raw error message into msg when an error is logged without a message', async () => {
    const { lines, logger } = capture();
    logger.error(new Error(`card ${CARD}`));
    logger.error({ err: new Error(`card ${CARD}`) });
    logger.error({ err: new Error('x') }, `card ${CARD}`);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).not.toContain(CARD);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ msg: 'card [REDACTED:card_number]' });
  });
});
