/**
 * Optimistic concurrency over HTTP: a resource's version is its strong ETag (`"<n>"`, the record's revision or the
 * policy's version number), and a change may carry `If-Match: "<n>"` to apply only while that is still the
 * version (412 PRECONDITION_FAILED otherwise, nothing changed). One entity tag only: a list or `*` is not
 * accepted (400 naming `headers.if-match`), since the callers this serves always know the one version they read.
 */

/** The `If-Match` request header, as a route's `headers` schema declares it. */
export const ifMatchHeaders = {
  type: 'object',
  properties: {
    'if-match': {
      type: 'string',
      maxLength: 17,
      pattern: '^"[0-9]{1,15}"$',
      description:
        'The ETag read (`"<version>"`): the change applies only if it is still the current one (else 412)',
    },
  },
} as const;

/** A version no resource has: what a tag this server never sent stands for, so that it matches nothing. */
const NO_VERSION = -1;

/**
 * The version named by a validated `If-Match` header; undefined when the header was not sent. Entity tags compare
 * strongly, character by character: `"07"` is not the tag `"7"` of version 7, so it names no version (412).
 */
export function ifMatchVersion(headers: { 'if-match'?: string | string[] | undefined }): number | undefined {
  const value = headers['if-match'];
  if (typeof value !== 'string') return undefined;
  const version = Number(value.slice(1, -1));
  return etagOf(version) === value ? version : NO_VERSION;
}

/** The strong ETag of version `version`. */
export function etagOf(version: number): string {
  return `"${version}"`;
}
