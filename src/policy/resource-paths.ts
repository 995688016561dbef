/**
 * The resource paths Strongroom asks the policy about, in one place so that routes and policy authors agree:
 *
 *   collections/<collection>                   a collection: declare it (manage_collections), create a record in
 *                                              it (write, no record), list or search it (search), or act on one
 *                                              whole record (delete, erase — with the record's attributes)
 *   collections/<collection>/fields/<field>    one field of a record: read (the decision's redaction is how the
 *                                              value leaves), write, tokenize, detokenize
 *   tokens/<type>                              a free-standing token of a value type: tokenize, detokenize
 *   subjects                                   data-subject operations (erase)
 *   system/keys | system/users | system/policies   administration (manage_keys, manage_users, manage_policies)
 *   system/users/roles/<role>                  manage_users: give a role, or manage an account that holds it
 *                                              (also asked by reset_passwords and manage_service_accounts)
 *   system/users                               also reset_passwords (issue a one-time password) and
 *                                              manage_service_accounts (mint, list, revoke a service account's keys)
 *   collections/<collection>                   also drop_collections: destroy the collection, its keys and records
 *   system/introspection                       introspect: ask whether an access token is active, and for whom
 *   system/metrics                             read_metrics: the Prometheus exposition (GET /metrics)
 *   system/posture                             read_posture: the deployment's security posture (GET /v1/sys/posture)
 *   audit                                      the audit trail (read_audit)
 *
 * Names are used as they are: a name that is not a valid path segment makes `decide` deny (INVALID_REQUEST).
 */
export const resourcePaths = {
  collection: (collection: string) => `collections/${collection}`,
  field: (collection: string, field: string) => `collections/${collection}/fields/${field}`,
  token: (type: string) => `tokens/${type}`,
  subjects: () => 'subjects',
  system: (area: 'keys' | 'users' | 'policies' | 'introspection' | 'metrics' | 'posture') => `system/${area}`,
  userRole: (role: string) => `system/users/roles/${role}`,
  audit: () => 'audit',
} as const;
