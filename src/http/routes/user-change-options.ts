/**
 * Who asks for a change of an account, as the user service wants to know it: by session or API key (accounts that
 * administer change by session only), the request (for the security event), and the caller's right to handle
 * every role the account holds or is given. Holding an action on `system/users` is not holding every role: each
 * role is asked as `<action>` on `system/users/roles/<role>`, so a role that administers users (or resets their
 * passwords, or keys their service accounts) cannot reach an account that holds more than it may handle.
 */
import type { FastifyRequest } from 'fastify';
import type { Action } from '../../policy/index.js';
import { resourcePaths } from '../../policy/index.js';
import { type Authorizer, type ChangeOptions, DEFAULT_ROLE } from '../../services/index.js';
import { purposeContext } from '../plugins/access-purpose.js';
import { actorOf } from '../plugins/authenticate.js';

/** The change options of `request`, with role checks asking `action` (the route's own). */
export function createChangeOptions(
  authorizer: Pick<Authorizer, 'authorize' | 'roles'>,
  action: Action,
): (request: FastifyRequest) => ChangeOptions {
  const mayHandleRoles = (request: FastifyRequest) => (roles: readonly string[]) => {
    const defined = authorizer.roles();
    for (const role of new Set(roles)) {
      // A role the policy does not define is refused by the user service (400, naming the entry) instead.
      if (role !== DEFAULT_ROLE && !defined.has(role)) continue;
      authorizer.authorize(
        actorOf(request),
        action,
        { path: resourcePaths.userRole(role), sensitive: false },
        purposeContext(request),
      );
    }
  };
  return (request) => {
    const actor = actorOf(request);
    return {
      bySession: actor.kind === 'session',
      mayHandleRoles: mayHandleRoles(request),
      by: { userId: actor.userId, clientAddress: request.ip, requestId: request.id },
    };
  };
}
