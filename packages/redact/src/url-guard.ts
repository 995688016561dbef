/**
 * URL guard: keeps credentials and secret-shaped values out of request targets, which end up in access logs,
 * proxy logs, browser history and `Referer` headers, where no later redaction can reach them.
 *
 * Invariants:
 * - a query parameter with a credential-like name (`isSensitiveParamName`) is refused whatever its value, and so
 *   is a path parameter (`;name=value` inside a segment, raw or decoded), which some routers and proxies read;
 * - an absolute-form target (`https://user:pass@host/…`) or a network-path one (`//user@host/…`) with userinfo
 *   in its authority is refused (`userinfo`): RFC 9110 deprecates credentials there, and they would be logged;
 * - a path segment, query name or query value is refused when it holds a JWT, a Strongroom token with a valid
 *   checksum, a card number, an SSN (a bare 9-digit SSN only as the whole segment or value), a bearer or Basic
 *   credential, in its raw form or once percent-decoded; email addresses are allowed;
 * - a target longer than `MAX_URL_LENGTH` is refused unread (`too_long`), and every step is linear in the length
 *   of the target: this runs before authentication on every request;
 * - nothing here throws on malformed input (see `decodePercent`), and the reported `location` is a parameter
 *   name or segment index, never a value; a name that is not a plain identifier is reported by position.
 * Choice: components are decoded exactly once, like the router and query parser do. `%2570assword` reaches the
 * application as the name `%70assword`, which no handler reads as a password, so it is not refused.
 * Not addressed: secrets with no recognisable shape under an innocuous name, and the fragment (browsers never
 * send it; if present it is scanned as part of the last segment or value).
 */
import { DETECTORS, type Detector, findSecrets, mayHoldSecret } from './detectors.js';
import { decodePercent, decodeQueryComponent } from './percent-decode.js';
import { REDACTED, redactString } from './redact-value.js';
import { isSensitiveParamName } from './sensitive-names.js';
import { isValidSsn } from './ssn.js';

export type UrlInspection =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: 'sensitive_parameter' | 'secret_value' | 'userinfo' | 'too_long';
      readonly location: string;
    };

/** Emails identify people but are not secrets, and are legitimate in URLs (`/v1/users/alice@example.com`). */
const INSPECT_DETECTORS = DETECTORS.filter((detector) => detector.name !== 'email');
const PLAIN_NAME = /^[\w.\-[\]]{1,64}$/;
const OK: UrlInspection = Object.freeze({ ok: true });
/**
 * A short origin-form path of letters, digits, `/` and `-` only: no `?`, `%`, `;`, `@`, `:`, `_`, `.` or space, so
 * no query, parameter, encoding, authority, JWT, opaque token, private key or Bearer/Basic credential can be in it.
 * When it also holds none of the detectors' hints (no run of 4 digits, which every card number and SSN has, no
 * `srs1-` share prefix …: `mayHoldSecret`), it is answered without further work: this runs on every request.
 */
const PLAIN_PATH = /^\/[A-Za-z0-9/-]{0,127}$/;
const TOO_LONG: UrlInspection = Object.freeze({ ok: false, reason: 'too_long', location: 'url' });
const USERINFO: UrlInspection = Object.freeze({ ok: false, reason: 'userinfo', location: 'url:userinfo' });
/** `scheme://` (absolute form) or `//` (network path) at the start of a target: an authority follows. */
const AUTHORITY_START = /^(?:[A-Za-z][A-Za-z0-9+.-]*:)?\/\//;

/**
 * Longest request target inspected, in UTF-16 code units. Common proxies and servers cap the request line near
 * 8 KiB; Node's own 16 KiB header limit would still let a URL cost tens of milliseconds to inspect.
 */
export const MAX_URL_LENGTH = 8192;

interface QueryParam {
  readonly index: number;
  readonly name: string;
  readonly value: string | null;
}

function splitTarget(rawUrl: string): { path: string; query: string | null } {
  const mark = rawUrl.indexOf('?');
  return mark === -1
    ? { path: rawUrl, query: null }
    : { path: rawUrl.slice(0, mark), query: rawUrl.slice(mark + 1) };
}

/** Where the userinfo of a target ends (its last `@` before the path), or -1 when it has none. */
function userinfoEnd(rawUrl: string): number {
  const start = AUTHORITY_START.exec(rawUrl)?.[0].length;
  if (start === undefined) return -1;
  const slash = rawUrl.slice(start).search(/[/?]/);
  const authorityEnd = slash === -1 ? rawUrl.length : start + slash;
  const at = rawUrl.lastIndexOf('@', authorityEnd - 1);
  return at >= start ? at : -1;
}

/** Whether a path segment holds a `;name=value` parameter whose name is credential-like, raw or decoded. */
function hasSensitivePathParam(segment: string): boolean {
  return [segment, decodePercent(segment)].some(
    (form) =>
      form.includes(';') &&
      form
        .split(';')
        .slice(1)
        .some((param) => {
          const equals = param.indexOf('=');
          return isSensitiveParamName((equals === -1 ? param : param.slice(0, equals)).trim());
        }),
  );
}

function pathSegments(path: string): string[] {
  return (path.startsWith('/') ? path.slice(1) : path).split('/');
}

function queryParams(query: string): QueryParam[] {
  return query.split('&').map((pair, index) => {
    const equals = pair.indexOf('=');
    return equals === -1
      ? { index, name: pair, value: null }
      : { index, name: pair.slice(0, equals), value: pair.slice(equals + 1) };
  });
}

function isBareSsn(text: string): boolean {
  return /^\d{9}$/.test(text) && isValidSsn(text);
}

function hasSecretIn(text: string, detectors: readonly Detector[]): boolean {
  if (text.length === 0) return false;
  return isBareSsn(text) || findSecrets(text, detectors).length > 0;
}

function hasSecret(raw: string, decode: (raw: string) => string, detectors: readonly Detector[]): boolean {
  const decoded = decode(raw);
  return hasSecretIn(raw, detectors) || (decoded !== raw && hasSecretIn(decoded, detectors));
}

function describeParam({ index, name }: QueryParam): string {
  const decoded = decodeQueryComponent(name);
  const isPlain = PLAIN_NAME.test(decoded) && !hasSecretIn(decoded, DETECTORS);
  return `query:${isPlain ? decoded : `#${index}`}`;
}

/** Decides whether a request target (`/path?query`) may be served: no credentials or secrets in the URL. */
export function inspectUrl(rawUrl: string): UrlInspection {
  if (PLAIN_PATH.test(rawUrl) && !mayHoldSecret(rawUrl, INSPECT_DETECTORS)) return OK;
  if (rawUrl.length > MAX_URL_LENGTH) return TOO_LONG;
  if (userinfoEnd(rawUrl) !== -1) return USERINFO;
  const { path, query } = splitTarget(rawUrl);
  for (const [index, segment] of pathSegments(path).entries()) {
    if (hasSensitivePathParam(segment)) {
      return { ok: false, reason: 'sensitive_parameter', location: `path:${index}` };
    }
    if (hasSecret(segment, decodePercent, INSPECT_DETECTORS)) {
      return { ok: false, reason: 'secret_value', location: `path:${index}` };
    }
  }
  for (const param of query === null ? [] : queryParams(query)) {
    const decodedName = decodeQueryComponent(param.name);
    if (
      isSensitiveParamName(param.name) ||
      (decodedName !== param.name && isSensitiveParamName(decodedName))
    ) {
      return { ok: false, reason: 'sensitive_parameter', location: describeParam(param) };
    }
    const hasSecretValue =
      param.value !== null && hasSecret(param.value, decodeQueryComponent, INSPECT_DETECTORS);
    if (hasSecretValue || hasSecret(param.name, decodeQueryComponent, INSPECT_DETECTORS)) {
      return { ok: false, reason: 'secret_value', location: describeParam(param) };
    }
  }
  return OK;
}

/**
 * Returns `rawUrl` fit for a log line: userinfo and sensitive parameter values become `[REDACTED]`, secret-shaped
 * substrings (emails included) become `[REDACTED:<detector>]`, as `redactString` does.
 */
export function sanitizeUrl(rawUrl: string): string {
  const at = userinfoEnd(rawUrl);
  if (at !== -1) {
    const start = AUTHORITY_START.exec(rawUrl)?.[0].length ?? 0;
    return `${rawUrl.slice(0, start)}${REDACTED}${sanitizeUrl(`/${rawUrl.slice(at)}`).slice(1)}`;
  }
  const { path, query } = splitTarget(rawUrl);
  const safePath = path
    .split('/')
    .map((segment) => (hasSensitivePathParam(segment) ? REDACTED : sanitizeComponent(segment, decodePercent)))
    .join('/');
  if (query === null) return safePath;
  const safeQuery = queryParams(query).map(({ name, value }) => {
    const safeName = sanitizeComponent(name, decodeQueryComponent);
    if (value === null) return safeName;
    const isSensitive = isSensitiveParamName(name) || isSensitiveParamName(decodeQueryComponent(name));
    return `${safeName}=${isSensitive ? REDACTED : sanitizeComponent(value, decodeQueryComponent)}`;
  });
  return `${safePath}?${safeQuery.join('&')}`;
}

function redactComponent(text: string): string {
  return isBareSsn(text) ? '[REDACTED:ssn]' : redactString(text);
}

/**
 * Redacts one component so that neither it nor its decoding shows a secret. The raw form is preferred; the
 * decoded form is used only when the raw form held nothing, since decoding can hide a raw secret
 * (`4242424242424242%31` decodes to a 17-digit run); failing both, the whole component is hidden.
 */
function sanitizeComponent(raw: string, decode: (raw: string) => string): string {
  const hasRawSecret = hasSecretIn(raw, DETECTORS);
  if (!hasRawSecret && !hasSecret(raw, decode, DETECTORS)) return raw;
  const fromRaw = redactComponent(raw);
  if (!hasSecret(fromRaw, decode, DETECTORS)) return fromRaw;
  if (!hasRawSecret) {
    const fromDecoded = redactComponent(decode(raw));
    if (!hasSecret(fromDecoded, decode, DETECTORS)) return fromDecoded;
  }
  return REDACTED;
}
