import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.js';
import { checkFieldDefinitions, checkRecordValues, unknownField } from './collection-schema.js';

const fields = checkFieldDefinitions([
  { name: 'ssn', type: 'ssn', sensitive: true, searchable: true, required: true },
  { name: 'note', type: 'text', sensitive: true },
  { name: 'tenant_id', type: 'string' },
]);

function refusal(work: () => unknown): { code: string; field: string | undefined; message: string } {
  try {
    work();
  } catch (error) {
    if (isAppError(error)) return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('collection definitions', () => {
  it('fills defaults', () => {
    expect(fields[2]).toEqual({
      name: 'tenant_id',
      type: 'string',
      sensitive: false,
      searchable: false,
      required: false,
    });
  });

  it.each([
    [[{ name: 'Bad', type: 'string' }], 'fields/0/name'],
    [
      [
        { name: 'a', type: 'string' },
        { name: 'a', type: 'text' },
      ],
      'fields/1/name',
    ],
    [[{ name: 'subject', type: 'string' }], 'fields/0/name'],
    [[{ name: 'a', type: 'money' }], 'fields/0/type'],
    [[{ name: 'a', type: 'string', searchable: true }], 'fields/0/searchable'],
  ])('refuses %j naming %s', (definition, field) => {
    expect(refusal(() => checkFieldDefinitions(definition))).toMatchObject({
      code: 'VALIDATION_FAILED',
      field,
    });
  });
});

describe('record values', () => {
  it('splits normalized values into plain and sensitive', () => {
    const checked = checkRecordValues(
      fields,
      { ssn: '123456789', tenant_id: 'acme' },
      { partial: false, path: 'p' },
    );
    expect(checked).toEqual({ plain: { tenant_id: 'acme' }, sensitive: { ssn: '123-45-6789' }, cleared: [] });
  });

  it('clears optional fields only in partial updates and never a required one', () => {
    expect(checkRecordValues(fields, { note: null }, { partial: true, path: 'p' }).cleared).toEqual(['note']);
    expect(
      refusal(() => checkRecordValues(fields, { ssn: null }, { partial: true, path: 'p' })),
    ).toMatchObject({
      code: 'FIELD_REQUIRED',
      field: 'p.ssn',
    });
    expect(
      refusal(() => checkRecordValues(fields, { tenant_id: 'x' }, { partial: false, path: 'p' })),
    ).toMatchObject({
      code: 'FIELD_REQUIRED',
      field: 'p.ssn',
    });
  });

  it('names an unknown field only when the name has the shape of a field name', () => {
    expect(unknownField('nickname', 'p')).toMatchObject({ code: 'UNKNOWN_FIELD', field: 'p.nickname' });
    const odd = unknownField('123-45-6789', 'p');
    expect(odd).toMatchObject({ code: 'UNKNOWN_FIELD', field: 'p' });
    expect(odd.message).not.toContain('123-45-6789');
  });

  it('never echoes a refused value', () => {
    const { message, field } = refusal(() =>
      checkRecordValues(fields, { ssn: '000-12-3456', tenant_id: 'a' }, { partial: false, path: 'p' }),
    );
    expect(field).toBe('p.ssn');
    expect(message).not.toContain('000-12-3456');
  });
});
