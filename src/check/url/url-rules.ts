/** The rules of `strongroom check url`; docs/checks.md explains each (why, and how to fix it). */
import type { CheckRule, Severity } from '../finding.js';

const rule = (id: string, severity: Severity, title: string, help: string): CheckRule =>
  Object.freeze({ id: `url/${id}`, severity, title, help });

export const URL_RULES = Object.freeze({
  legacyTls: rule(
    'tls-legacy-version',
    'high',
    'TLS 1.0 or 1.1 accepted',
    'Set the minimum protocol version to TLS 1.2.',
  ),
  noModernTls: rule(
    'tls-no-modern-version',
    'high',
    'Neither TLS 1.2 nor TLS 1.3 accepted',
    'Enable TLS 1.2 and TLS 1.3.',
  ),
  nonAeadCipher: rule(
    'tls-non-aead-cipher',
    'medium',
    'A handshake offering only non-AEAD (CBC) cipher suites succeeded',
    'Allow only AEAD suites (AES-GCM, ChaCha20-Poly1305) for TLS 1.2.',
  ),
  untrusted: rule(
    'certificate-untrusted',
    'high',
    'Certificate chain not trusted (self-signed or unknown CA)',
    'Serve a chain issued by a trusted CA, intermediates included (or pass --ca for a private CA).',
  ),
  hostnameMismatch: rule(
    'certificate-hostname-mismatch',
    'high',
    'Certificate does not cover the host name',
    'Issue the certificate with the host in its subjectAltName.',
  ),
  expired: rule('certificate-expired', 'high', 'Certificate expired or not yet valid', 'Renew it now.'),
  expiring: rule(
    'certificate-expiring',
    'medium',
    'Certificate expires within the warning period',
    'Renew it, and automate renewal (ACME).',
  ),
  hstsMissing: rule(
    'hsts-missing',
    'medium',
    'No Strict-Transport-Security header',
    'Send `Strict-Transport-Security: max-age=31536000; includeSubDomains`.',
  ),
  hstsShort: rule(
    'hsts-short-max-age',
    'low',
    'Strict-Transport-Security max-age below one year',
    'Set max-age to at least 31536000.',
  ),
  serverVersion: rule(
    'server-version-disclosed',
    'low',
    'Server header names a software version',
    'Send no Server header, or one without a version (nginx: server_tokens off).',
  ),
  poweredBy: rule(
    'x-powered-by',
    'low',
    'X-Powered-By header present',
    'Remove it (Express: app.disable("x-powered-by")).',
  ),
  cacheableAuthenticated: rule(
    'authenticated-cacheable',
    'medium',
    'Authenticated answer without Cache-Control: no-store',
    'Send `Cache-Control: no-store` on every authenticated response.',
  ),
  httpRedirects: rule(
    'http-redirects',
    'medium',
    'Plain-HTTP port redirects instead of refusing',
    'Refuse plain HTTP (close the port, or answer 426/403 without a Location).',
  ),
  httpServes: rule(
    'http-serves',
    'high',
    'Plain-HTTP port serves the API',
    'Serve the API over HTTPS only; close the plain-HTTP port.',
  ),
  credentialInQuery: rule(
    'credential-in-query-accepted',
    'high',
    'Credential accepted in the query string',
    'Accept credentials only in a header (Authorization).',
  ),
});

export const URL_RULE_LIST: readonly CheckRule[] = Object.freeze(Object.values(URL_RULES));
