/** The user resource's schemas (response allow-list and the shared body parts) and its response shape. */
import type { PublicUser } from '../../services/index.js';
import type { UserAttributes } from '../../storage/index.js';
import { MAX_ROLES, roleName, subjectId, timestamp, username, uuid } from '../schema-bounds.js';
import { isoTime } from '../schemas.js';

const MAX_ATTRIBUTES = 32;
const ATTRIBUTE_MAX_LENGTH = 256;
/** Attribute text is any text (newlines included, as it always was); NUL and broken Unicode stop at text-guard.ts. */
const attributeText = { type: 'string', maxLength: ATTRIBUTE_MAX_LENGTH } as const;

export const userSchema = {
  $id: 'User',
  type: 'object',
  required: ['id', 'username', 'roles', 'disabled', 'created_at', 'updated_at'],
  additionalProperties: false,
  properties: {
    id: uuid,
    username,
    roles: { type: 'array', maxItems: MAX_ROLES, items: roleName },
    disabled: { type: 'boolean' },
    created_at: timestamp,
    updated_at: timestamp,
    subject: { ...subjectId, type: ['string', 'null'] },
    attributes: {
      type: 'object',
      maxProperties: MAX_ATTRIBUTES,
      additionalProperties: { ...attributeText, type: ['string', 'number', 'boolean'] },
    },
    must_change_password: {
      type: 'boolean',
      description:
        'An administrator reset the password: until the user changes it, their sessions may only change it',
    },
    service: {
      type: 'boolean',
      description: 'A service account: no password, API keys minted by administrators',
    },
  },
} as const;

/** Role names: any role the policy in force defines, or `user` (checked by the user service). */
export const roles = {
  type: 'array',
  items: roleName,
  minItems: 1,
  maxItems: MAX_ROLES,
} as const;

/** The application's id of the person this user is (policy `$actor.subject`); null clears it. */
export const subject = {
  anyOf: [subjectId, { type: 'null' }],
} as const;

/** Non-secret scalar claims compared by policy conditions (`$actor.attributes.<name>`), e.g. tenant_id. */
export const attributes = {
  type: 'object',
  maxProperties: MAX_ATTRIBUTES,
  propertyNames: { type: 'string', maxLength: 64, pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' },
  additionalProperties: {
    anyOf: [attributeText, { type: 'number' }, { type: 'boolean' }],
  },
} as const;

export interface UserChanges {
  roles?: string[];
  disabled?: boolean;
  subject?: string | null;
  attributes?: UserAttributes;
}

/** A user as the API shows it. */
export function toBody(u: PublicUser) {
  const { mustChangePassword, createdAt, updatedAt, ...rest } = u;
  return {
    ...rest,
    must_change_password: mustChangePassword,
    created_at: isoTime(createdAt),
    updated_at: isoTime(updatedAt),
  };
}
