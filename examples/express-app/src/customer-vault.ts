/**
 * The customer records, kept in a Strongroom collection through @strongroom/client with the application's own
 * API key (a service account with the default policy's `user` role: it creates records and reads, searches and
 * tokenizes the ones it created). Every read states why it happens (`X-Access-Purpose`). The PII never passes
 * through anything but this module and the HTTP answer: no log line, no error message.
 */
import { type StrongroomClient, StrongroomError, unwrap } from '@strongroom/client';

/** The collection this API expects; create it once as an administrator (see the README). */
export const CUSTOMER_FIELDS = [
  { name: 'name', type: 'name', sensitive: true, required: true },
  { name: 'email', type: 'email', sensitive: true, searchable: true, required: true },
  { name: 'ssn', type: 'ssn', sensitive: true, searchable: true },
  { name: 'date_of_birth', type: 'date', sensitive: true },
] as const;

export type SensitiveField = 'name' | 'email' | 'ssn' | 'date_of_birth';
export const SENSITIVE_FIELDS: readonly SensitiveField[] = ['name', 'email', 'ssn', 'date_of_birth'];

/** Why this API reads customer data, per operation: purposes of Strongroom's policy. */
export const PURPOSES = { read: 'support', search: 'support', tokenize: 'billing' } as const;

export interface NewCustomer {
  name: string;
  email: string;
  ssn?: string;
  date_of_birth?: string;
}

export interface Customer {
  id: string;
  fields: Record<string, string | number | boolean | null>;
  /** How each field is shown: `plain`, or `masked` unless revealed. */
  redaction: Record<string, string>;
}

/** An answer for the application's caller: Strongroom's code, never a value. */
export interface VaultRefusal {
  status: number;
  code: string;
  field?: string;
}

export interface CustomerVault {
  create(customer: NewCustomer): Promise<{ id: string }>;
  read(id: string, reveal: readonly SensitiveField[]): Promise<Customer>;
  searchByEmail(email: string, reveal: readonly SensitiveField[]): Promise<Customer[]>;
  tokenize(id: string, field: SensitiveField): Promise<{ token: string }>;
}

function toCustomer(record: {
  id: string;
  fields: Customer['fields'];
  redaction: Customer['redaction'];
}): Customer {
  return { id: record.id, fields: record.fields, redaction: record.redaction };
}

/** The vault operations of the customer API over one client and collection. */
export function createCustomerVault(client: StrongroomClient, collection: string): CustomerVault {
  const reveal = (fields: readonly SensitiveField[]) =>
    fields.length === 0 ? {} : { reveal: fields.join(',') };
  return {
    async create(customer) {
      const created = unwrap(
        await client.POST('/v1/collections/{collection}/records', {
          params: { path: { collection } },
          body: { fields: { ...customer } },
        }),
      );
      return { id: created.id };
    },
    async read(id, fields) {
      const record = unwrap(
        await client.GET('/v1/collections/{collection}/records/{id}', {
          params: { path: { collection, id }, query: reveal(fields) },
          purpose: PURPOSES.read,
        }),
      );
      return toCustomer(record);
    },
    async searchByEmail(email, fields) {
      const page = unwrap(
        await client.POST('/v1/collections/{collection}/records/search', {
          params: { path: { collection } },
          body: { where: { email }, ...(fields.length === 0 ? {} : { reveal: [...fields] }) },
          purpose: PURPOSES.search,
        }),
      );
      return page.records.map(toCustomer);
    },
    async tokenize(id, field) {
      const created = unwrap(
        await client.POST('/v1/tokens', {
          body: { kind: 'random', source: { collection, record: id, field } },
          purpose: PURPOSES.tokenize,
        }),
      );
      return { token: created.token };
    },
  };
}

/**
 * What to answer when Strongroom refused: a missing record is the customer's 404, an invalid field the caller's
 * 400 (named as the caller sent it: `body.fields.email` → `body.email`), anything else a 502, since the caller
 * did nothing wrong. Returns null for errors that are not Strongroom's.
 */
export function vaultRefusal(error: unknown): VaultRefusal | null {
  if (!(error instanceof StrongroomError)) return null;
  if (error.code === 'RECORD_NOT_FOUND') return { status: 404, code: 'CUSTOMER_NOT_FOUND' };
  if (error.code === 'VALIDATION_FAILED' && error.field?.startsWith('body.fields.')) {
    return {
      status: 400,
      code: 'VALIDATION_FAILED',
      field: `body.${error.field.slice('body.fields.'.length)}`,
    };
  }
  return { status: 502, code: 'VAULT_UNAVAILABLE' };
}
