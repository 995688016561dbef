/**
 * Issue 10: a collection data key rotation whose records all have a subject (so are sealed under their subjects'
 * keys, which the rotation does not change) has nothing to re-encrypt. Its progress says so in words instead of
 * "0/0", and `keys rotate` explains why, on a terminal and in plain lines alike; jobs with work show their counts.
 */
import { describe, expect, it } from 'vitest';
import { formatProgress, type KeyJobView, nothingToMoveNotice } from '../../src/cli/keys.js';

const job = (fields: Partial<KeyJobView>): KeyJobView => ({
  id: 'job-1',
  kind: 'collection',
  status: 'running',
  total: 0,
  done: 0,
  from_version: 1,
  to_version: 2,
  ...fields,
});

describe('key job progress', () => {
  it('says a collection rotation has nothing to re-encrypt, never 0/0', () => {
    for (const status of ['running', 'completed']) {
      const plain = formatProgress(job({ status }), false);
      const bar = formatProgress(job({ status }), true);
      expect(plain).toBe(`collection key job job-1: ${status}, nothing to re-encrypt`);
      expect(bar).toContain('100% nothing to re-encrypt');
      expect(`${plain} ${bar}`).not.toContain('0/0');
    }
    expect(formatProgress(job({ kind: 'master' }), false)).toContain('no data key to rewrap');
    expect(formatProgress(job({ kind: 'index' }), false)).toContain('nothing to reindex');
  });

  it('counts the records of a rotation that has some', () => {
    expect(formatProgress(job({ total: 400, done: 100 }), false)).toBe(
      'collection key job job-1: running 100/400 (25%)',
    );
    expect(formatProgress(job({ total: 400, done: 100 }), true)).toContain(' 25% 100/400 running');
  });

  it('explains an empty collection rotation: subject-sealed records are under their subjects keys', () => {
    const notice = nothingToMoveNotice(job({}), 'patients');
    expect(notice).toContain('no record of patients is sealed under its data key');
    expect(notice).toContain("subject's own key");
    expect(nothingToMoveNotice(job({ total: 3 }), 'patients')).toBeNull();
    expect(nothingToMoveNotice(job({ kind: 'index' }), 'patients')).toBeNull();
    expect(nothingToMoveNotice(job({ kind: 'master' }), undefined)).toBeNull();
  });
});
