/**
 * Compile-time guarantees of the client's types, checked by `npm run typecheck` (which includes test/) and never
 * run: each marked line must be a type error, or its unused `@ts-expect-error` fails the check. A purpose on a
 * public operation, a missing path parameter, a missing body, an unknown route, a code the server never sends.
 */
import type { ErrorCode, StrongroomClient } from '@strongroom/client';

export function typeChecks(api: StrongroomClient): void {
  // @ts-expect-error: /healthz is public and takes no purpose
  void api.GET('/healthz', { purpose: 'support' });
  // @ts-expect-error: neither does login
  void api.POST('/v1/auth/login', { body: { username: 'a', password: 'b' }, purpose: 'support' });
  // @ts-expect-error: the record id is missing
  void api.GET('/v1/collections/{collection}/records/{id}', { params: { path: { collection: 'x' } } });
  // @ts-expect-error: a record needs its fields
  void api.POST('/v1/collections/{collection}/records', { params: { path: { collection: 'x' } } });
  // @ts-expect-error: not a route of the API
  void api.GET('/v1/nothing-here');
  const code: ErrorCode = 'AMBIGUOUS_CREDENTIALS';
  // @ts-expect-error: not a code the server sends
  const notACode: ErrorCode = 'NOT_AN_ERROR_CODE';
  void [code, notACode];
}
