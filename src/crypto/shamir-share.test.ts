import { randomBytes } from 'node:crypto';
import { findSecrets } from '@strongroom/redact';
import { describe, expect, it } from 'vitest';
import { splitSecret } from './shamir.js';
import { formatShare, parseShare } from './shamir-share.js';

const parts = { index: 3, threshold: 2, share: new Uint8Array(randomBytes(33)), kcv: randomBytes(8) };

function flipChar(text: string, at: number): string {
  const ch = text[at] === 'A' ? 'B' : 'A';
  return text.slice(0, at) + ch + text.slice(at + 1);
}

describe('share format', () => {
  it('round-trips and has the documented shape', () => {
    const text = formatShare(parts);
    expect(text).toMatch(/^srs1-3-2-[A-Za-z0-9_-]{55}-[0-9a-f]{8}$/);
    const parsed = parseShare(text);
    expect(parsed.index).toBe(3);
    expect(parsed.threshold).toBe(2);
    expect(Buffer.from(parsed.share).equals(Buffer.from(parts.share))).toBe(true);
    expect(parsed.kcv.equals(parts.kcv)).toBe(true);
  });

  it('tolerates surrounding whitespace from copy and paste', () => {
    expect(parseShare(`  ${formatShare(parts)}\n`).index).toBe(3);
  });

  it('catches every single-character typo in the payload with SHAMIR_SHARE_CHECKSUM', () => {
    const text = formatShare(parts);
    const start = 'srs1-3-2-'.length;
    for (let at = start; at < start + 55; at++) {
      expect(() => parseShare(flipChar(text, at))).toThrow(
        expect.objectContaining({ code: 'SHAMIR_SHARE_CHECKSUM' }),
      );
    }
  });

  it('catches a changed index or threshold', () => {
    const text = formatShare(parts);
    expect(() => parseShare(text.replace('srs1-3-', 'srs1-4-'))).toThrow(
      expect.objectContaining({ code: 'SHAMIR_SHARE_CHECKSUM' }),
    );
    expect(() => parseShare(text.replace('srs1-3-2-', 'srs1-3-3-'))).toThrow(
      expect.objectContaining({ code: 'SHAMIR_SHARE_CHECKSUM' }),
    );
  });

  it('rejects malformed shares with SHAMIR_SHARE_MALFORMED and never quotes them', () => {
    const text = formatShare(parts);
    const bad = [
      '',
      text.slice(0, -1),
      text.replace('srs1', 'srs2'),
      text.replace('srs1-3-', 'srs1-03-'),
      text.toUpperCase(),
      `${text}x`,
    ];
    for (const candidate of bad) {
      try {
        parseShare(candidate, 2);
        expect.unreachable();
      } catch (error) {
        expect(error).toMatchObject({ code: 'SHAMIR_SHARE_MALFORMED' });
        if (candidate) expect((error as Error).message).not.toContain(candidate.slice(10, 30));
      }
    }
  });

  it('rejects out-of-range numbers even with a valid checksum', () => {
    expect(() => parseShare(formatShare({ ...parts, index: 256 }))).toThrow(
      expect.objectContaining({ code: 'SHAMIR_SHARE_MALFORMED' }),
    );
    expect(() => parseShare(formatShare({ ...parts, threshold: 1 }))).toThrow(
      expect.objectContaining({ code: 'SHAMIR_SHARE_MALFORMED' }),
    );
  });

  it('refuses wrong-length parts when formatting', () => {
    expect(() => formatShare({ ...parts, share: new Uint8Array(32) })).toThrow(
      expect.objectContaining({ code: 'SHAMIR_INVALID_ARGUMENT' }),
    );
  });
});

describe('shares and the shared detectors', () => {
  it('every share is one the redactor finds, even mistyped or glued to other text', async () => {
    const [share = ''] = await splitSecret(randomBytes(32), 3, 2);
    expect(findSecrets(`share=${share}&x`)).toEqual([
      { detector: 'shamir_share', start: 6, end: 6 + share.length },
    ]);
    const typo = flipChar(share, 20);
    expect(findSecrets(`"${typo}"`)).toEqual([{ detector: 'shamir_share', start: 1, end: 1 + typo.length }]);
  });
});
