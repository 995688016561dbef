import { describe, expect, it } from 'vitest';
import { NO_FILTERS, toInstant, toQuery } from './audit-query.js';

describe('audit filters', () => {
  it('sends only the filters given, times as ISO instants', () => {
    expect(toQuery(NO_FILTERS)).toEqual({ limit: 100 });
    const since = '2026-12-07T10:30';
    expect(
      toQuery(
        { ...NO_FILTERS, since, actor: ' user:1 ', action: 'record.read', outcome: 'denied' },
        'c1',
        500,
      ),
    ).toEqual({
      limit: 500,
      since: new Date(since).toISOString(),
      actor: 'user:1',
      action: 'record.read',
      outcome: 'denied',
      cursor: 'c1',
    });
    expect(toInstant('')).toBeUndefined();
    expect(toInstant('not a time')).toBeUndefined();
  });
});
