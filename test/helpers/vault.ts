/** Helpers for encrypted-record tests: a patients collection with every kind of field, and typed API calls. */
import type { TestApp } from './test-app.js';

export const PATIENT_FIELDS = [
  { name: 'name', type: 'name', sensitive: true },
  { name: 'email', type: 'email', sensitive: true, searchable: true },
  { name: 'ssn', type: 'ssn', sensitive: true, searchable: true },
  { name: 'card', type: 'card_number', sensitive: true },
  { name: 'phone', type: 'phone', sensitive: true },
  { name: 'tenant_id', type: 'string', required: true },
  { name: 'age', type: 'integer' },
] as const;

export function patient(n = 1) {
  const tail = String(n).padStart(4, '0').slice(-4);
  return {
    name: `Jane Roe ${n}`,
    email: `jane.${n}@example.com`,
    ssn: `123-45-${tail === '0000' ? '0001' : tail}`,
    card: '4242424242424242',
    phone: '+14155550123',
    tenant_id: 'acme',
    age: 30 + (n % 50),
  };
}

type Headers = Record<string, string>;

/**
 * Typed calls as the caller behind `headers`. Reads of sensitive data must state a purpose (X-Access-Purpose):
 * these calls state `support` unless `purpose` is null.
 */
export function vaultApi(t: TestApp, credentials: Headers, purpose: string | null = 'support') {
  const headers = purpose === null ? credentials : { ...credentials, 'x-access-purpose': purpose };
  const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return {
    call,
    createCollection: (name: string, fields: readonly object[] = PATIENT_FIELDS) =>
      call('POST', '/v1/collections', { name, fields }),
    create: (collection: string, fields: object, subject?: string) =>
      call('POST', `/v1/collections/${collection}/records`, {
        fields,
        ...(subject === undefined ? {} : { subject }),
      }),
    read: (collection: string, id: string, query = '') =>
      call('GET', `/v1/collections/${collection}/records/${id}${query}`),
    patch: (collection: string, id: string, fields: object) =>
      call('PATCH', `/v1/collections/${collection}/records/${id}`, { fields }),
    remove: (collection: string, id: string) => call('DELETE', `/v1/collections/${collection}/records/${id}`),
    search: (collection: string, body: object) =>
      call('POST', `/v1/collections/${collection}/records/search`, body),
    list: (collection: string, query = '') => call('GET', `/v1/collections/${collection}/records${query}`),
    erase: (subject: string) => call('POST', '/v1/subjects/erase', { subject }),
  };
}
