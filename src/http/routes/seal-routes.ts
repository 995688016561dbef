/**
 * The seal routes, served while sealed (see seal-gate.ts): status, and unsealing with one Shamir share per request.
 * Public on purpose: while sealed no user can log in. A share travels in the body only (never a URL; the URL guard
 * and the log redactor also recognize share-shaped values), and failed submissions are throttled per client address
 * so a client cannot churn through guesses or keep resetting progress.
 */
import type { FastifyInstance } from 'fastify';
import { throttleAddressKey } from '../../auth/index.js';
import type { RootKey, UnsealSession, UnsealStatus } from '../../crypto/index.js';
import { AppError, isAppError } from '../../errors.js';
import { type AttemptPolicy, createMemoryAttemptStore } from '../../state/index.js';
import { integer, plainText } from '../schema-bounds.js';
import { responses } from '../schemas.js';

// Operators make few mistakes: 5 free failures per address, then growing delays, then 15 minutes locked.
const UNSEAL_POLICY: AttemptPolicy = {
  freeAttempts: 5,
  lockoutAfter: 20,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  lockoutMs: 15 * 60_000,
  retentionMs: 15 * 60_000,
};

const statusSchema = {
  type: 'object',
  required: ['sealed', 'threshold', 'progress'],
  additionalProperties: false,
  properties: {
    sealed: { type: 'boolean' },
    threshold: {
      ...integer(0, 255),
      description: 'Shares needed to unseal; 0 when the key is not a sealed keyring',
    },
    progress: { ...integer(0, 255), description: 'Valid shares received so far' },
  },
} as const;

export async function sealRoutes(
  app: FastifyInstance,
  options: {
    rootKey: Pick<RootKey, 'isSealed' | 'source'>;
    session: UnsealSession | null;
    clock: () => number;
  },
): Promise<void> {
  const attempts = createMemoryAttemptStore({ maxEntries: 10_000 });
  app.addHook('onClose', async () => attempts.close());
  const currentStatus = (): UnsealStatus =>
    options.session?.status() ?? { sealed: options.rootKey.isSealed(), threshold: 0, progress: 0 };

  app.get(
    '/v1/sys/seal-status',
    {
      config: { access: 'public', quota: 'exempt' },
      schema: {
        tags: ['system'],
        operationId: 'getSealStatus',
        summary: 'Whether the root key is sealed, and unseal progress',
        description:
          'Sealed or not, the share threshold and how many shares have been received. Public: operators check it before they can log in (nothing can be authenticated while sealed).',
        response: responses({
          200: {
            ...statusSchema,
            required: [...statusSchema.required, 'source'],
            properties: {
              ...statusSchema.properties,
              source: {
                type: 'string',
                enum: ['development-key-file', 'key-file', 'configured', 'sealed-keyring'],
              },
            },
          },
        }),
      },
    },
    async () => ({ ...currentStatus(), source: options.rootKey.source }),
  );

  app.post<{ Body: { share: string } }>(
    '/v1/sys/unseal',
    {
      config: { access: 'public', quota: 'auth' },
      schema: {
        tags: ['system'],
        operationId: 'unseal',
        summary: 'Submit one key share; the root key is unsealed when the threshold is reached',
        description:
          'One Shamir share per call, in the body. Public: while sealed no credential can be verified; a share is itself the proof, wrong shares reset progress.',
        body: {
          type: 'object',
          required: ['share'],
          additionalProperties: false,
          properties: { share: { ...plainText(256, 1), writeOnly: true } },
        },
        response: responses(
          {
            200: {
              ...statusSchema,
              properties: {
                ...statusSchema.properties,
                duplicate: {
                  type: 'boolean',
                  enum: [true],
                  description:
                    'Present when this share had already been received in this attempt: it was not counted again',
                },
              },
            },
          },
          409,
        ),
      },
    },
    async (request) => {
      if (options.session === null || !options.rootKey.isSealed()) throw new AppError('ALREADY_UNSEALED');
      const key = throttleAddressKey(request.ip);
      const now = options.clock();
      const blockedUntil = await attempts.reserve(key, UNSEAL_POLICY, now);
      if (blockedUntil > 0) {
        throw new AppError('TOO_MANY_ATTEMPTS', { retryAfter: Math.ceil((blockedUntil - now) / 1000) });
      }
      try {
        const status = await options.session.submit(request.body.share);
        await attempts.release(key);
        request.log.info(
          { progress: status.progress, threshold: status.threshold },
          status.sealed ? 'unseal share accepted' : 'root key unsealed',
        );
        return status;
      } catch (error) {
        // Only refused shares count against the address.
        if (!isAppError(error, 'UNSEAL_FAILED')) await attempts.release(key);
        throw error;
      }
    },
  );
}
