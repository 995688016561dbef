/**
 * `createApp(options)`: the customer API on Express. Its callers authenticate with Strongroom access tokens
 * (`strongroomAuth`: verified locally, revocation through introspection with the introspector's API key); every
 * route follows Strongroom's transport and URL practices (`strongroomSafety`); requests are logged through
 * pino-http with `strongroomLogger()`, which scrubs credentials and PII. The customers themselves live in a
 * Strongroom collection (customer-vault.ts): this process stores nothing and logs no field value.
 *
 * Routes: `POST /customers` (create), `GET /customers/:id` (masked; `?reveal=ssn,email` for `revealRoles`),
 * `POST /customers/search` (`{email}` in the body, never in the URL), `POST /customers/:id/tokens` (`{field}`: a
 * token standing for that value), `GET /me` (the caller).
 */
import { randomUUID } from 'node:crypto';
import { createClient } from '@strongroom/client';
import { strongroomAuth, strongroomLogger, strongroomSafety } from '@strongroom/express';
import express, { type NextFunction, type Request, type Response } from 'express';
import { pinoHttp } from 'pino-http';
import {
  createCustomerVault,
  SENSITIVE_FIELDS,
  type SensitiveField,
  vaultRefusal,
} from './customer-vault.js';

export interface CustomerApiOptions {
  /** Strongroom's base URL, e.g. `https://strongroom.internal:8443`. */
  strongroomUrl: string;
  /** PEM of the CA that signed Strongroom's certificate: the only one trusted. */
  ca: string | Buffer;
  /** API key of a service account with the `introspector` role. */
  introspectionKey: string;
  /** API key of the service account that writes and reads the customers collection. */
  vaultApiKey: string;
  /** Default `customers`. */
  collection?: string;
  /** Default 5: a logout is seen within this many seconds (0: on every request). */
  revocationCheckSeconds?: number;
  /** Strongroom roles whose holders may reveal fields in plain; default `['admin']`. */
  revealRoles?: readonly string[];
  /** `strongroomSafety`'s: the TLS-terminating proxy's addresses, when there is one. */
  trustProxy?: boolean | string;
  /** Where the log lines go; default stdout. */
  logDestination?: NodeJS.WritableStream;
  /** The clock tokens are checked with (tests move it); default `Date.now`. */
  clock?: () => number;
}

export interface CustomerApi {
  readonly app: express.Express;
  /** Closes the connections to Strongroom. */
  close(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function sendError(res: Response, status: number, code: string, message: string, field?: string): void {
  const id = randomUUID();
  res
    .status(status)
    .set('x-request-id', id)
    .json({ error: { code, message, ...(field === undefined ? {} : { field }), request_id: id } });
}

function isSensitiveField(value: unknown): value is SensitiveField {
  return typeof value === 'string' && (SENSITIVE_FIELDS as readonly string[]).includes(value);
}

/** `?reveal=a,b` → the fields, or null when one is not a customer field. */
function revealOf(query: unknown): SensitiveField[] | null {
  if (query === undefined) return [];
  if (typeof query !== 'string') return null;
  const fields = query.split(',');
  return fields.every(isSensitiveField) ? fields : null;
}

function newCustomerOf(body: unknown) {
  if (typeof body !== 'object' || body === null) return { field: 'body' };
  const { name, email, ssn, date_of_birth, ...rest } = body as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) return { field: `body.${extra}` };
  if (typeof name !== 'string') return { field: 'body.name' };
  if (typeof email !== 'string') return { field: 'body.email' };
  if (ssn !== undefined && typeof ssn !== 'string') return { field: 'body.ssn' };
  if (date_of_birth !== undefined && typeof date_of_birth !== 'string')
    return { field: 'body.date_of_birth' };
  return {
    customer: {
      name,
      email,
      ...(ssn === undefined ? {} : { ssn }),
      ...(date_of_birth === undefined ? {} : { date_of_birth }),
    },
  };
}

/** Builds the customer API; it does not listen (main.ts does). */
export function createApp(options: CustomerApiOptions): CustomerApi {
  const revealRoles = options.revealRoles ?? ['admin'];
  const client = createClient({
    baseUrl: options.strongroomUrl,
    ca: options.ca,
    apiKey: options.vaultApiKey,
  });
  const vault = createCustomerVault(client, options.collection ?? 'customers');
  const auth = strongroomAuth({
    url: options.strongroomUrl,
    ca: options.ca,
    introspectionKey: options.introspectionKey,
    revocationCheckSeconds: options.revocationCheckSeconds ?? 5,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const mayReveal = (req: Request) =>
    req.strongroom?.roles.some((role) => revealRoles.includes(role)) === true;

  const app = express();
  app.disable('x-powered-by');
  app.use(pinoHttp(strongroomLogger(), options.logDestination ?? process.stdout));
  app.use(strongroomSafety({ trustProxy: options.trustProxy ?? false }));
  app.use(auth);
  app.use(express.json({ limit: '16kb' }));

  app.get('/me', (req, res) => {
    res.json(req.strongroom);
  });

  app.post('/customers', async (req, res) => {
    const parsed = newCustomerOf(req.body);
    if (parsed.customer === undefined) {
      sendError(res, 400, 'VALIDATION_FAILED', 'The request is not valid', parsed.field);
      return;
    }
    const created = await vault.create(parsed.customer);
    req.log.info({ customer: created.id }, 'customer created');
    res.status(201).json(created);
  });

  app.post('/customers/search', async (req, res) => {
    const email = (req.body as { email?: unknown } | undefined)?.email;
    if (typeof email !== 'string') {
      sendError(res, 400, 'VALIDATION_FAILED', 'The request is not valid', 'body.email');
      return;
    }
    res.json({ customers: await vault.searchByEmail(email, []) });
  });

  app.get('/customers/:id', async (req, res) => {
    const reveal = revealOf(req.query.reveal);
    if (reveal === null) {
      sendError(res, 400, 'VALIDATION_FAILED', 'The request is not valid', 'query.reveal');
      return;
    }
    if (reveal.length > 0 && !mayReveal(req)) {
      sendError(res, 403, 'FORBIDDEN', 'You may not reveal these fields');
      return;
    }
    if (!UUID.test(req.params.id)) {
      sendError(res, 404, 'CUSTOMER_NOT_FOUND', 'The customer does not exist');
      return;
    }
    res.json(await vault.read(req.params.id, reveal));
  });

  app.post('/customers/:id/tokens', async (req, res) => {
    const field = (req.body as { field?: unknown } | undefined)?.field;
    if (!isSensitiveField(field)) {
      sendError(res, 400, 'VALIDATION_FAILED', 'The request is not valid', 'body.field');
      return;
    }
    if (!UUID.test(req.params.id)) {
      sendError(res, 404, 'CUSTOMER_NOT_FOUND', 'The customer does not exist');
      return;
    }
    res.status(201).json(await vault.tokenize(req.params.id, field));
  });

  app.use((_req: Request, res: Response) => sendError(res, 404, 'NOT_FOUND', 'Not found'));
  // Express 5 passes rejected handlers here. The logger scrubs the error; the answer carries only a code.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const refusal = vaultRefusal(error);
    if (refusal !== null) {
      sendError(res, refusal.status, refusal.code, 'Strongroom refused the request', refusal.field);
      return;
    }
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      sendError(res, status, 'VALIDATION_FAILED', 'The request is not valid', 'body');
      return;
    }
    req.log.error({ err: error }, 'request failed');
    sendError(res, 500, 'INTERNAL_ERROR', 'Internal error');
  });

  return {
    app,
    async close() {
      auth.close();
      await client.close();
    },
  };
}
