/**
 * Answers that must not reveal whether something exists (the "404 that hides"): a record hidden from the caller and
 * an unknown record id, a token only someone else holds and a token nobody holds. Both branches give the same
 * code and body, and must cost the same.
 *
 * Design (issue 13, finding 1): both branches are audited, by the same durable write. A refusal used to be audited
 * (durably, before it was answered) while a miss wrote nothing, so the refusal took one commit longer and timing
 * told them apart (|t| of 15 to 50 over a few hundred requests). A miss is now an auditable event too (outcome
 * `not_found`), written by the same code path as the refusal (the error handler's refusal audit,
 * http/plugins/error-handler.ts) with an event of the same shape, and both answers wait for it. The other way out,
 * answering both before the write, was rejected: it would send refusals whose event is not yet durable, and the
 * trail's promise is that nothing it records is answered before it is (services/audit/audit-trail.ts).
 *
 * Invariants:
 * - every such answer is made by `hiddenNotFound`, never by `new AppError(code)` directly, so neither branch can
 *   miss its event; the event names validated identifiers only (the route's path parameters as its schema accepts
 *   them), never a token or a body value;
 * - a refusal is recorded `denied` and a miss `not_found`: the trail tells them apart, the caller cannot.
 * Threats addressed: existence oracles through timing (a user learning that someone else holds a deterministic
 * token, hence someone's value; that a record id exists in another tenant).
 * Not addressed: the microseconds of deciding the policy on a row that exists (below what a network can show, and
 * measured by test/http/hidden-existence-timing.test.ts); a trail that grows with misses as it grows with any
 * request (quotas bound both).
 */
import { AppError, type HidingBranch } from '../errors.js';

/** The codes of answers that hide existence. */
export type HidingCode = 'RECORD_NOT_FOUND' | 'TOKEN_NOT_FOUND';

/**
 * The not-found answer for a thing the caller named: `refused` when it exists but the caller may not know it,
 * `missing` when it does not exist. Both are answered and audited alike.
 */
export function hiddenNotFound(
  code: HidingCode,
  branch: HidingBranch,
  options: { field?: string } = {},
): AppError {
  return new AppError(code, { ...options, hides: branch });
}
