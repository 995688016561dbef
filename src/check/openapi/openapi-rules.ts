/** The rules of `strongroom check openapi`; docs/checks.md explains each (why, and how to fix it). */
import type { CheckRule, Severity } from '../finding.js';

const rule = (id: string, severity: Severity, title: string, help: string): CheckRule =>
  Object.freeze({ id: `openapi/${id}`, severity, title, help });

export const OPENAPI_RULES = Object.freeze({
  credentialInUrl: rule(
    'credential-in-url',
    'high',
    'Credential-named parameter in the query or path',
    'Move it to a header (Authorization) or the request body.',
  ),
  piiInUrl: rule(
    'pii-in-url',
    'medium',
    'Personal-data parameter in the query or path',
    'Send it in the body (POST a search) or use an opaque id.',
  ),
  apiKeyInQuery: rule(
    'apikey-in-query',
    'high',
    'API key security scheme sent in the query string',
    'Use `in: header` (or the Authorization header).',
  ),
  apiKeyInCookie: rule(
    'apikey-in-cookie',
    'medium',
    'API key in a cookie with no CSRF header required alongside',
    'Use a header, or require a CSRF header scheme in the same requirement.',
  ),
  httpServer: rule(
    'http-server',
    'high',
    'Server URL uses plain http://',
    'Serve the API over https:// only.',
  ),
  basicOverHttp: rule(
    'basic-auth-over-http',
    'high',
    'HTTP Basic authentication on an operation served over http://',
    'Serve it over https only, or use a token scheme.',
  ),
  noSecurity: rule(
    'no-security',
    'high',
    'Operation with no security requirement (none global, none on the operation)',
    'Declare `security` globally or on the operation.',
  ),
  securityOptOut: rule(
    'security-opt-out',
    'low',
    'Operation that allows anonymous calls (`security: []` or `{}`)',
    'Confirm the operation is meant to be public.',
  ),
  undefinedScheme: rule(
    'undefined-security-scheme',
    'high',
    'Security requirement names a scheme that components.securitySchemes does not define',
    'Define the scheme or fix the name.',
  ),
  secretNotWriteOnly: rule(
    'secret-not-write-only',
    'medium',
    'Password or secret property not marked writeOnly',
    'Add `writeOnly: true` so it is never part of a response model.',
  ),
  secretInResponse: rule(
    'secret-in-response',
    'high',
    'Response returns a password- or secret-named property',
    'Remove it from the response, or declare it masked (`format: masked`).',
  ),
  piiInResponse: rule(
    'pii-in-response',
    'medium',
    'Response returns personal data with no declared masking',
    'Return it masked (`format: masked`, `x-masked: true`) unless the caller must see it.',
  ),
  missing401: rule(
    'missing-401',
    'medium',
    'Secured operation documents no 401 response',
    'Add a 401 response.',
  ),
  missing403: rule(
    'missing-403',
    'low',
    'Secured operation documents no 403 response',
    'Add a 403 response.',
  ),
  missing429: rule(
    'missing-429',
    'low',
    'Operation documents no 429 response',
    'Add a 429 (rate limit) response.',
  ),
  unboundedString: rule(
    'unbounded-string',
    'medium',
    'String in a request body without maxLength (or enum, const, bounded format)',
    'Add `maxLength`.',
  ),
  unboundedArray: rule(
    'unbounded-array',
    'medium',
    'Array in a request body without maxItems',
    'Add `maxItems`.',
  ),
});

export type OpenApiRuleKey = keyof typeof OPENAPI_RULES;

export const OPENAPI_RULE_LIST: readonly CheckRule[] = Object.freeze(Object.values(OPENAPI_RULES));
