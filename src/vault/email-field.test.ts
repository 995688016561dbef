import { describe, expect, it } from 'vitest';
import { expectFieldRejected } from '../../test/helpers/expect-field-rejected.js';
import { emailEqualityForm, normalizeEmail } from './email-field.js';
import { equalityForm } from './field-types.js';

const FIELD = 'body.fields/email';

const expectRejected = (value: unknown) => expectFieldRejected(normalizeEmail, value, FIELD);

describe('normalizeEmail', () => {
  it('trims and lower-cases the domain, keeping the local part', () => {
    expect(normalizeEmail('  John.Doe@Example.COM ', FIELD)).toBe('John.Doe@example.com');
    expect(normalizeEmail("o'brien+tag@mail.example.co.uk", FIELD)).toBe("o'brien+tag@mail.example.co.uk");
    expect(normalizeEmail('j@xn--bcher-kva.example', FIELD)).toBe('j@xn--bcher-kva.example');
  });

  it('accepts the length limits exactly', () => {
    const local = 'l'.repeat(64);
    const domain = `${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(57)}.com`;
    const email = `${local}@${domain}`;
    expect(email).toHaveLength(254);
    expect(normalizeEmail(email, FIELD)).toBe(email);
  });

  it('refuses addresses that are not pragmatic RFC 5321 mailboxes', () => {
    for (const value of [
      'john.doe@localhost',
      'john.doe',
      'john@@example.com',
      'john@doe@example.com',
      '@example.com',
      'john.doe@',
      '.john@example.com',
      'john.@example.com',
      'jo..hn@example.com',
      'john doe@example.com',
      '"john"@example.com',
      'john@-example.com',
      'john@example-.com',
      'john@exa_mple.com',
      'john@example..com',
      'john@192.168.0.1',
      'john@[192.168.0.1]',
      'jöhn@example.com',
      'john@bücher.example',
      'john@exam\nple.com',
    ]) {
      expectRejected(value);
    }
  });

  it('refuses over-long parts and non-strings', () => {
    expectRejected(`${'l'.repeat(65)}@example.com`);
    expectRejected(`john@${'a'.repeat(64)}.com`);
    expectRejected(`john@${'a.'.repeat(125)}com`);
    expectRejected(42);
    expectRejected(null);
  });
});

describe('email equality', () => {
  it('compares the whole address without case; other types as they are', () => {
    const stored = normalizeEmail('Jane.Roe@Example.COM', FIELD);
    expect(emailEqualityForm(stored)).toBe(emailEqualityForm(normalizeEmail('jane.roe@example.com', FIELD)));
    expect(equalityForm('email', stored)).toBe('jane.roe@example.com');
    expect(equalityForm('name', 'Jane Roe')).toBe('Jane Roe');
    expect(equalityForm('integer', 7)).toBe(7);
  });
});
