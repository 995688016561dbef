/**
 * Text is checked once, at the edge, the same way whatever backend stores it: a body that is not valid UTF-8, and
 * any string (or object key) in the body, query or path holding a NUL or a lone UTF-16 surrogate, is refused with
 * `400 VALIDATION_FAILED` naming where it is (never the value) before validation, authorization or a handler runs.
 *
 * Threats addressed: values that one backend stores and another refuses or rewrites (PostgreSQL refuses NUL in
 * text and answers a 500; SQLite stores it; lone surrogates become U+FFFD in one and stay in the other), so that a
 * stored value, a blind index or an audit identifier could differ from what was checked; C-string truncation at a
 * NUL in logs and tools. Invalid UTF-8 would otherwise be replaced silently by U+FFFD when the body is decoded.
 * Query strings: query-string.ts turns a value whose percent-encoding is not UTF-8 into a lone surrogate, so this
 * check names it too.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../errors.js';
import { isSafeName } from '../field-location.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path of the first bad string or key under `value`, or null. Depth-bounded by the body's own size limit. */
export function findBadText(value: unknown, path: string): string | null {
  if (typeof value === 'string') return BAD_TEXT.test(value) ? path : null;
  if (typeof value !== 'object' || value === null) return null;
  const isList = Array.isArray(value);
  const entries = isList ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, item] of entries) {
    // Client-chosen keys are named only when they are ordinary identifiers (they could be secrets).
    const here = `${path}.${isList || isSafeName(key) ? key : '(unknown)'}`;
    if (BAD_TEXT.test(key)) return here;
    const found = findBadText(item, here);
    if (found !== null) return found;
  }
  return null;
}

/** The refusal of the first bad string of the request's path parameters, query and body, or null. */
function check(request: FastifyRequest): AppError | null {
  const field =
    findBadText(request.params, 'path') ??
    findBadText(request.query, 'query') ??
    findBadText(request.body, 'body');
  return field === null
    ? null
    : new AppError('VALIDATION_FAILED', { field, message: `${field} holds a NUL or invalid Unicode` });
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** A request body as text, or the VALIDATION_FAILED every body parser answers when it is not valid UTF-8. */
export function decodeUtf8Body(body: Buffer): { text: string } | { error: AppError } {
  try {
    return { text: utf8.decode(body) };
  } catch {
    return {
      error: new AppError('VALIDATION_FAILED', { field: 'body', message: 'body is not valid UTF-8' }),
    };
  }
}

async function textGuard(app: FastifyInstance): Promise<void> {
  // JSON bodies are decoded strictly; the default parser (prototype-poisoning checks included) then parses the text.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    // Clients send `content-type: application/json` on every call, DELETE and GET included: an empty body is no
    // body on a route that takes none. A route with a body schema still refuses it (INVALID_JSON).
    if ((body as Buffer).length === 0 && request.routeOptions.schema?.body === undefined) {
      done(null, undefined);
      return;
    }
    const decoded = decodeUtf8Body(body as Buffer);
    if ('error' in decoded) {
      done(decoded.error, undefined);
      return;
    }
    parseJson(request, decoded.text, done);
  });
  // Callback-style (not async): a hook that answers at once costs no promise on every request.
  app.addHook('preValidation', (request, _reply, done) => {
    const error = check(request);
    if (error !== null) done(error);
    else done();
  });
}

export default fp(textGuard, { name: 'text-guard' });
