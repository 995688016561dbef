/**
 * What the policy routes share: the response shape of a version, the lock-out check every stored version passes
 * (PUT, rollback), errors renamed to where the document sits in the request, and YAML request bodies.
 * YAML bodies (`application/yaml`): at most YAML_BODY_LIMIT bytes, strict UTF-8, parsed by
 * services/policy-yaml.ts (one document, unique keys, no tags, bounded alias expansion) into the same JSON value
 * a JSON body would be, before validation; a parse error is VALIDATION_FAILED naming `body` with line and column.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../../errors.js';
import { decide, type Policy, resourcePaths } from '../../policy/index.js';
import {
  type PolicyService,
  type PolicyVersion,
  parsePolicyYaml,
  policyActorOf,
  yamlPosition,
} from '../../services/index.js';
import { purposeContext } from '../plugins/access-purpose.js';
import { actorOf } from '../plugins/authenticate.js';
import { decodeUtf8Body } from '../plugins/text-guard.js';
import { isoTime } from '../schemas.js';

/** The largest YAML policy body accepted: the JSON limit's order, and far below what a parser could choke on. */
export const YAML_BODY_LIMIT = 256 * 1024;

export interface PolicyRouteDeps {
  policies: PolicyService;
  /** Whether some enabled account could still manage users and the policy under `policy`. */
  administratorsRemainUnder: (policy: Policy) => Promise<boolean>;
}

export const managePolicies = {
  action: 'manage_policies',
  resource: resourcePaths.system('policies'),
} as const;

export function toBody(v: PolicyVersion) {
  return {
    version: v.version,
    source: v.source,
    created_by: v.createdBy,
    created_at: isoTime(v.createdAt),
    document: v.document,
  };
}

/** compilePolicy names paths from the document root (`$.roles…`); over HTTP the document is the body. */
export function asBodyError(error: unknown): unknown {
  if (!isAppError(error, 'VALIDATION_FAILED') || !error.field?.startsWith('$')) return error;
  const rebase = (text: string) => `body${text.slice(1)}`;
  return new AppError('VALIDATION_FAILED', { field: rebase(error.field), message: rebase(error.message) });
}

/**
 * No lock-out: the caller must still be able to change the policy under the new one, and some enabled account
 * must still be able to manage users and the policy (POLICY_LOCKOUT otherwise, nothing stored).
 */
export function lockoutCheck(request: FastifyRequest, options: PolicyRouteDeps) {
  const actor = actorOf(request);
  return async (policy: Policy): Promise<void> => {
    const resource = { path: resourcePaths.system('policies'), sensitive: false };
    const decision = decide(policy, policyActorOf(actor), 'manage_policies', resource, {
      ...purposeContext(request),
    });
    if (!decision.allow) throw new AppError('POLICY_LOCKOUT');
    if (!(await options.administratorsRemainUnder(policy))) throw new AppError('POLICY_LOCKOUT');
  };
}

/** Accepts `application/yaml` bodies on the routes of this plugin (see the header). */
export function registerYamlBodies(app: FastifyInstance): void {
  app.addContentTypeParser(
    'application/yaml',
    { parseAs: 'buffer', bodyLimit: YAML_BODY_LIMIT },
    (_request, body, done) => {
      const decoded = decodeUtf8Body(body as Buffer);
      if ('error' in decoded) {
        done(decoded.error, undefined);
        return;
      }
      const parsed = parsePolicyYaml(decoded.text);
      if (parsed.ok) {
        done(null, parsed.document);
        return;
      }
      done(
        new AppError('VALIDATION_FAILED', {
          field: 'body',
          message: `body ${parsed.problem}${yamlPosition(parsed)}`,
        }),
        undefined,
      );
    },
  );
}
