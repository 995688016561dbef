import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.js';
import { compileCondition, evaluateCondition } from './condition.js';
import type { PolicyActor } from './policy-types.js';

const actor: PolicyActor = {
  id: 'user-1',
  subject: 'u1',
  roles: [],
  attributes: { tenant_id: 't1', level: 3, blank: '' },
};

describe('evaluateCondition', () => {
  it.each([
    ['own subject', { subject: { equals: '$actor.subject' } }, { subject: 'u1' }, true],
    ['other subject', { subject: { equals: '$actor.subject' } }, { subject: 'u2' }, false],
    ['own record by user id', { created_by: { equals: '$actor.id' } }, { created_by: 'user-1' }, true],
    ["another user's record", { created_by: { equals: '$actor.id' } }, { created_by: 'user-2' }, false],
    ['user id is not the subject', { created_by: { equals: '$actor.id' } }, { created_by: 'u1' }, false],
    ['missing record attribute', { subject: { equals: '$actor.subject' } }, {}, false],
    ['no record', { subject: { equals: '$actor.subject' } }, undefined, false],
    ['same tenant', { tenant_id: { equals: '$actor.attributes.tenant_id' } }, { tenant_id: 't1' }, true],
    ['missing actor attribute', { region: { equals: '$actor.attributes.region' } }, { region: 'eu' }, false],
    ['empty actor attribute', { owner: { equals: '$actor.attributes.blank' } }, { owner: '' }, false],
    ['number literal, no coercion', { level: { equals: 3 } }, { level: '3' }, false],
    ['number literal', { level: { equals: 3 } }, { level: 3 }, true],
    ['number reference', { level: { equals: '$actor.attributes.level' } }, { level: 3 }, true],
    ['boolean literal', { on_hold: { equals: true } }, { on_hold: true }, true],
    ['non-scalar record value', { tags: { equals: 'a' } }, { tags: ['a'] }, false],
    [
      'all-of: both hold',
      { subject: { equals: '$actor.subject' }, tenant_id: { equals: 't1' } },
      { subject: 'u1', tenant_id: 't1' },
      true,
    ],
    [
      'all-of: one fails',
      { subject: { equals: '$actor.subject' }, tenant_id: { equals: 't1' } },
      { subject: 'u1', tenant_id: 't2' },
      false,
    ],
  ])('%s', (_name, raw, record, expected) => {
    expect(
      evaluateCondition(compileCondition(raw, 'c'), actor, record as Record<string, unknown> | undefined),
    ).toBe(expected);
  });

  it('fails an $actor.id condition for an actor without an id (or an empty one)', () => {
    const condition = compileCondition({ created_by: { equals: '$actor.id' } }, 'c');
    const { id: _id, ...anonymous } = actor;
    expect(evaluateCondition(condition, anonymous, { created_by: 'user-1' })).toBe(false);
    expect(evaluateCondition(condition, { ...actor, id: '' }, { created_by: '' })).toBe(false);
  });

  it('never reads inherited properties of the record or actor attributes', () => {
    const condition = compileCondition({ toString: { equals: '$actor.attributes.toString' } }, 'c');
    expect(evaluateCondition(condition, actor, {})).toBe(false);
  });
});

describe('compileCondition', () => {
  it.each([
    ['not an object', 'subject', 'c'],
    ['an array', [], 'c'],
    ['empty', {}, 'c'],
    ['unknown operator', { subject: { matches: 'x' } }, 'c.subject'],
    ['extra operator', { subject: { equals: 'x', not: 'y' } }, 'c.subject'],
    ['no operator', { subject: {} }, 'c.subject'],
    ['test not an object', { subject: 'x' }, 'c.subject'],
    ['bad attribute name', { 'a.b': { equals: 'x' } }, 'c'],
    ['unknown actor reference', { subject: { equals: '$actor.name' } }, 'c.subject.equals'],
    ['reserved $ string', { subject: { equals: '$other' } }, 'c.subject.equals'],
    ['bad attribute reference', { subject: { equals: '$actor.attributes.' } }, 'c.subject.equals'],
    ['null operand', { subject: { equals: null } }, 'c.subject.equals'],
    ['object operand', { subject: { equals: { a: 1 } } }, 'c.subject.equals'],
    ['non-finite operand', { subject: { equals: Number.NaN } }, 'c.subject.equals'],
  ])('rejects %s at %s', (_name, raw, path) => {
    let error: unknown;
    try {
      compileCondition(raw, 'c');
    } catch (caught) {
      error = caught;
    }
    expect(isAppError(error, 'VALIDATION_FAILED')).toBe(true);
    expect((error as { field: string }).field).toBe(path);
  });
});
