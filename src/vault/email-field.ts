/**
 * Email addresses, checked pragmatically against RFC 5321/5322.
 *
 * Accepted: one `@`; a dot-atom local part of 1–64 characters (no quoted strings or comments); an ASCII domain
 * of at least two labels (1–63 characters of letters, digits and inner hyphens) whose last label is not all
 * digits; at most 254 characters in total. The domain is lower-cased (domains are case-insensitive); the local
 * part keeps its case (RFC 5321 leaves it to the receiving host). Internationalized domains must be sent in
 * their `xn--` (punycode) form; internationalized local parts (RFC 6531) and IP-literal domains are refused.
 * Equality (blind indexes, search, deterministic tokens) ignores case on the whole address (`emailEqualityForm`):
 * almost every receiving host treats local parts case-insensitively, and users type them either way. The stored
 * value keeps the case it was written with.
 */
import { invalidField } from './field-error.js';

export const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_LENGTH = 64;
const MAX_DOMAIN_LENGTH = 255;
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LOCAL_PART = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`);
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A trimmed email address with a lower-cased domain. */
export function normalizeEmail(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalidField(field, 'must be a string');
  const trimmed = value.trim();
  if (trimmed.length > MAX_EMAIL_LENGTH) throw invalidField(field, 'is too long');
  const parts = trimmed.split('@');
  const [local, rawDomain] = parts;
  if (parts.length !== 2 || local === undefined || rawDomain === undefined) {
    throw invalidField(field, 'is not a valid email address');
  }
  const domain = rawDomain.toLowerCase();
  if (local.length > MAX_LOCAL_LENGTH || !LOCAL_PART.test(local) || !isValidDomain(domain)) {
    throw invalidField(field, 'is not a valid email address');
  }
  return `${local}@${domain}`;
}

function isValidDomain(domain: string): boolean {
  if (domain.length > MAX_DOMAIN_LENGTH) return false;
  const labels = domain.split('.');
  const last = labels[labels.length - 1] ?? '';
  return labels.length >= 2 && labels.every((label) => DOMAIN_LABEL.test(label)) && !/^\d+$/.test(last);
}

/** The form two addresses are compared in: the whole (normalized, hence ASCII) address lower-cased. */
export function emailEqualityForm(normalized: string): string {
  return normalized.toLowerCase();
}
