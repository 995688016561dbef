/**
 * Which quota group each route is counted in, decided once when the route registers (fail closed: a public route
 * that declares none, an unknown group, or an exemption on an authenticated route stops the start with
 * ROUTE_CONFIG_INVALID). Authenticated routes derive their group unless they declare one: administrative routes
 * (`config.authorize`) are `admin`, GET and HEAD are `reads`, every other method `writes`. Routes whose cost
 * depends on the request declare a rule: the record reads that can reveal values, and detokenization.
 */
import type { FastifyRequest, RouteOptions } from 'fastify';
import { AppError } from '../errors.js';
import { QUOTA_GROUPS, type QuotaGroup } from '../model/index.js';
import type { QuotaCharge, QuotaRule } from './types.js';

/** A route's quota, resolved: its group, and the charge of a validated request (null: 1 unit at authentication). */
export interface QuotaPlan {
  group: QuotaGroup;
  charge: ((request: FastifyRequest) => QuotaCharge) | null;
  description: string;
}

// Routes added by @fastify/swagger-ui are static documentation assets, public like the document itself.
const DOCS_PREFIX = '/docs';

const isGroup = (value: unknown): value is QuotaGroup =>
  typeof value === 'string' && (QUOTA_GROUPS as readonly string[]).includes(value);

function derived(route: RouteOptions): QuotaGroup | null {
  if (route.config?.authorize !== undefined) return 'admin';
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const groups = new Set(
    methods.map((m) =>
      m === 'GET' || m === 'HEAD'
        ? 'reads'
        : ['POST', 'PUT', 'PATCH', 'DELETE'].includes(m)
          ? 'writes'
          : null,
    ),
  );
  const [only] = groups;
  return groups.size === 1 && only !== undefined ? only : null;
}

function describeGroup(group: QuotaGroup): string {
  return group === 'auth'
    ? 'Counted in the `auth` quota of the client address.'
    : `Counted in the \`${group}\` quota of the caller (user or API key).`;
}

/** The route's quota plan; null when it is exempt. Throws ROUTE_CONFIG_INVALID (field `config.quota`). */
export function planQuota(route: RouteOptions): QuotaPlan | null {
  const declared = route.config?.quota;
  const isPublic =
    route.config?.access === 'public' ||
    (route.config?.access === undefined && route.url.startsWith(DOCS_PREFIX));
  const invalid = (problem: string) =>
    new AppError('ROUTE_CONFIG_INVALID', {
      field: 'config.quota',
      message: `route ${route.method} ${route.url} ${problem}`,
    });
  if (declared === 'exempt' || (declared === undefined && route.url.startsWith(DOCS_PREFIX))) {
    if (!isPublic) throw invalid('is authenticated, so it cannot be exempt from quotas');
    return null;
  }
  const group =
    typeof declared === 'object' ? declared.group : (declared ?? (isPublic ? null : derived(route)));
  if (group === null)
    throw invalid(isPublic ? 'is public and declares no quota group' : 'has no derivable quota group');
  if (!isGroup(group)) throw invalid('declares an unknown quota group');
  // Public requests have no identity but their address; authenticated ones always have one.
  if (isPublic !== (group === 'auth')) throw invalid('must use the auth group if and only if it is public');
  if (typeof declared === 'object') {
    if (typeof declared.charge !== 'function') throw invalid('declares a quota rule without a charge');
    return { group, charge: declared.charge, description: declared.description };
  }
  return { group, charge: null, description: describeGroup(group) };
}

interface RevealInput {
  reveal?: unknown;
  limit?: unknown;
}

/**
 * A record read that can reveal values (`reveal` names fields): counted in `reveal`, one unit per record it may
 * return (1, or the page size asked for: `limit`, else `defaultPage`), instead of in `group`. Reads that reveal
 * nothing cost 1 in `group`. `from` is where the request carries `reveal` and `limit`.
 */
export function revealingRead(
  group: 'reads' | 'search',
  from: 'query' | 'body',
  defaultPage?: number,
): QuotaRule {
  return {
    group,
    description:
      `Counted in the \`${group}\` quota of the caller; when \`reveal\` names a field, in the \`reveal\` quota instead, ` +
      (defaultPage === undefined
        ? 'one unit.'
        : `one unit per record the page may hold (\`limit\`, default ${defaultPage}).`),
    charge(request) {
      const input = ((from === 'query' ? request.query : request.body) ?? {}) as RevealInput;
      const { reveal } = input;
      const reveals = Array.isArray(reveal) ? reveal.length > 0 : typeof reveal === 'string' && reveal !== '';
      if (!reveals) return { group, cost: 1 };
      if (defaultPage === undefined) return { group: 'reveal', cost: 1 };
      const limit = Number(input.limit ?? defaultPage);
      return {
        group: 'reveal',
        cost: Number.isInteger(limit) && limit > 0 ? limit : defaultPage,
        field: `${from}.limit`,
      };
    },
  };
}

/** Detokenization: counted in `detokenize`, one unit per token the request names. */
export const detokenizeQuota: QuotaRule = {
  group: 'detokenize',
  description: 'Counted in the `detokenize` quota of the caller, one unit per token in the request.',
  charge(request) {
    const { tokens } = request.body as { tokens: readonly unknown[] };
    return { group: 'detokenize', cost: Math.max(1, tokens.length), field: 'body.tokens' };
  },
};
