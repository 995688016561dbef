/**
 * The one rule for naming a client-chosen key (a record field, a policy role or attribute, a query key) in an
 * error message, an error's `field`, a log line or an audit entry.
 *
 * Invariant: a name passes only when it is a short identifier (`[A-Za-z_][A-Za-z0-9_]{0,39}`) in which no detector
 * finds a secret, so a key that is really a value (an API key, a card number, an SSN, an email address) is never
 * echoed: callers name it by its position instead (`roles[2]`, `condition[0]`).
 * Not addressed: a secret that is itself a short identifier (a lowercase password used as a key); only naming by
 * position hides that, which callers do for every key that fails this rule.
 */
import { findSecrets } from './detectors.js';

const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/;

/** True when a client-chosen name may appear in an error, a log line or an audit entry. */
export function isSafeName(name: string): boolean {
  return SAFE_NAME.test(name) && findSecrets(name).length === 0;
}
