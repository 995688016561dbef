/**
 * What tokenization takes and stores. Only a token's SHA-256 is stored, so a dump of the tokens table gives no
 * token back; a sealed value's AAD binds it to collection `$tokens`, record = token row id, field = type, and the
 * key id and version, so it cannot be moved to another row or relabelled.
 */
import { createHash } from 'node:crypto';
import type { Stores, TokenKind, TokenRow, Transactor } from '../../storage/index.js';
import type { FieldType, FieldValue } from '../../vault/index.js';
import { type AuditInput, type AuditTrail, auditSubjectOf } from '../audit/index.js';
import type { CollectionService } from '../collection-service.js';
import type { KeyService } from '../key-service.js';
import type { RecordAccess, RecordCrypto } from '../records/index.js';
import type { TokenKeys } from './token-keys.js';

/** The `collection` in the AAD of every sealed token value (not a valid collection name, so no clash). */
export const TOKEN_AAD_COLLECTION = '$tokens';

/** Rows of one token examined per lookup (a deterministic token has one per creator and source). */
export const MAX_ROWS_PER_TOKEN = 50;

export interface TokenSource {
  collection: string;
  record: string;
  field: string;
}

export type TokenizeInput =
  | { kind: TokenKind; source: TokenSource }
  | { kind: TokenKind; type: FieldType; value: unknown };

export type DetokenizedValue =
  | { token: string; type: string; value: FieldValue }
  | { token: string; error: 'TOKEN_NOT_FOUND' };

/** The value to tokenize, where it came from, and the key it is sealed under. */
export interface ResolvedValue {
  type: FieldType;
  value: FieldValue;
  origin: Pick<TokenRow, 'subjectHash' | 'collectionId' | 'recordId' | 'field'>;
  /** The subject's data key id, or null for the vault-wide token key. */
  keyId: string | null;
}

export interface TokenServiceDeps {
  transactor: Transactor;
  stores: Stores;
  keys: KeyService;
  tokenKeys: TokenKeys;
  crypto: RecordCrypto;
  collections: Pick<CollectionService, 'get' | 'getById'>;
  access: RecordAccess;
  audit: AuditTrail;
  clock: () => number;
}

/** SHA-256 (hex) of a token: what the tokens table stores and looks tokens up by. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The AAD binding of a token row's sealed value. */
export function tokenAad(row: Pick<TokenRow, 'id' | 'type' | 'keyId' | 'keyVersion'>) {
  return {
    collection: TOKEN_AAD_COLLECTION,
    recordId: row.id,
    field: row.type,
    keyId: row.keyId,
    keyVersion: row.keyVersion,
  };
}

/** The subject an audit event of a token row names (its HMAC, as every event of the subject), if it has one. */
export function tokenSubject(row: Pick<TokenRow, 'subjectHash'>): { subject?: string } {
  return row.subjectHash === null ? {} : { subject: auditSubjectOf(row.subjectHash) };
}

/** What an audit event names of a token row: its source record and field, or its type for a free value. */
export function tokenResource(row: TokenRow): NonNullable<AuditInput['resource']> {
  return row.recordId === null || row.field === null
    ? { fields: [row.type] }
    : { recordId: row.recordId, fields: [row.field] };
}
