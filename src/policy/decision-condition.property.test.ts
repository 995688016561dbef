import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { policyActor, policyDocument, purpose, recordFacts } from '../../test/helpers/policy-arbitraries.js';
import { compilePolicy } from './compile-policy.js';
import { decide } from './decide.js';
import { decisionCondition } from './decision-condition.js';
import { ACTIONS, REDACTIONS } from './policy-types.js';
import { evaluateRowCondition } from './row-condition.js';

const resource = fc.record({
  path: fc.constantFrom(
    'collections/c',
    'collections/c/fields/a',
    'collections/c/fields/n',
    'collections/c/fields/s',
    'collections/c/fields/flag',
    'collections/other/fields/a',
    'collections//bad',
  ),
  sensitive: fc.boolean(),
});

/** The record attributes decide() compares, as record-access.ts builds them from stored facts. */
const record = recordFacts.map((facts) => ({
  ...facts.plain,
  ...(facts.createdBy === null ? {} : { created_by: facts.createdBy }),
  ...(facts.subjectHash === null ? {} : { subject: facts.subjectHash }),
  s: 'never-a-record-attribute',
}));

describe('decisionCondition', () => {
  it('holds for a record exactly when decide allows at that level, or asks for a purpose', () => {
    fc.assert(
      fc.property(
        policyDocument,
        policyActor,
        fc.constantFrom(...ACTIONS),
        resource,
        purpose,
        fc.option(record, { nil: undefined }),
        (doc, actor, action, at, stated, attributes) => {
          const policy = compilePolicy(doc);
          const context = stated === undefined ? {} : { purpose: stated };
          const decision = decide(
            policy,
            actor,
            action,
            attributes === undefined ? at : { ...at, record: attributes },
            context,
          );
          const condition = decisionCondition(policy, actor, action, at, context);
          for (const level of REDACTIONS) {
            const allowed =
              decision.allow && REDACTIONS.indexOf(decision.redaction) >= REDACTIONS.indexOf(level);
            expect(evaluateRowCondition(condition.allows(level), attributes)).toBe(allowed);
          }
          expect(evaluateRowCondition(condition.purposeRequired, attributes)).toBe(
            !decision.allow && decision.reason === 'PURPOSE_REQUIRED',
          );
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('is a constant for a policy without conditions', () => {
    const policy = compilePolicy({
      version: 1,
      purposes: ['support'],
      roles: {
        r: { rules: [{ effect: 'allow', actions: ['read'], resources: ['**'], redaction: 'plain' }] },
      },
    });
    const actor = { subject: '', roles: ['r'] };
    const at = { path: 'collections/c/fields/a', sensitive: false };
    expect(decisionCondition(policy, actor, 'read', at).allows('plain')).toEqual({ kind: 'always' });
    expect(decisionCondition(policy, actor, 'write', at).allows('redacted')).toEqual({ kind: 'never' });
  });
});
