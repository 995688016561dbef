/**
 * `PUT /v1/policies` takes a policy document, or the policy version `GET /v1/policies/current` serves
 * (`{version, source, created_by, created_at, document}`), so what was read can be edited and sent back. The
 * version's own fields are read-only and ignored (the server numbers, dates and attributes every version itself);
 * any other key beside `document` is refused like an unknown key of a document.
 */
import { AppError, isAppError } from '../errors.js';
import { compilePolicy, type Policy } from '../policy/index.js';

const READ_ONLY_FIELDS = ['version', 'source', 'created_by', 'created_at'];

function isObject(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

/** The document in `body`, and the path (`$` or `$.document`) its errors are named from. */
export function policyDocumentOf(body: unknown): { document: unknown; base: string } {
  if (!isObject(body) || !Object.hasOwn(body, 'document')) return { document: body, base: '$' };
  if (Object.keys(body).some((key) => key !== 'document' && !READ_ONLY_FIELDS.includes(key))) {
    // Keys are not echoed: an envelope has five known ones.
    throw new AppError('VALIDATION_FAILED', {
      field: '$',
      message: '$ has a key that is neither a policy version field nor `document`',
    });
  }
  return { document: body.document, base: '$.document' };
}

/** A document's VALIDATION_FAILED (paths from `$`) renamed to where the document sits in the body. */
export function rebasePolicyError(error: unknown, base: string): unknown {
  if (base === '$' || !isAppError(error, 'VALIDATION_FAILED') || !error.field?.startsWith('$')) return error;
  const rebase = (text: string) => `${base}${text.slice(1)}`;
  return new AppError('VALIDATION_FAILED', { field: rebase(error.field), message: rebase(error.message) });
}

/** Compiles the document in `body` (a document or a served version); errors are named where it sits. */
export function compilePolicyBody(body: unknown): { document: unknown; policy: Policy } {
  const { document, base } = policyDocumentOf(body);
  try {
    return { document, policy: compilePolicy(document) };
  } catch (error) {
    throw rebasePolicyError(error, base);
  }
}
