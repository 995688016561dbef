/**
 * openapi-fetch's typed `GET/POST/PUT/PATCH/DELETE`, plus two options: `timeoutMs` (this call's time limit, see
 * timeout.ts) and `purpose`, sent as `X-Access-Purpose`.
 * `purpose` type-checks only on the operations whose OpenAPI description declares that header (every
 * authenticated one: the server checks a stated purpose on each); on public ones (login, refresh, /healthz…) it is
 * a compile error, so a purpose is never sent where no one reads it.
 */
import {
  type Client,
  type ClientPathsWithMethod,
  type FetchResponse,
  type MaybeOptionalInit,
  mergeHeaders,
} from 'openapi-fetch';
import type { paths } from './schema.js';
import { checkTimeout, withTimeout } from './timeout.js';

type Media = `${string}/${string}`;
type Api = Client<paths, Media>;
type Verb = 'get' | 'put' | 'post' | 'patch' | 'delete';

type RequiredKeysOf<T> = { [K in keyof T]-?: Record<never, never> extends Pick<T, K> ? never : K }[keyof T];

type HeaderParams<Operation> = Operation extends { parameters: { header?: infer Header } }
  ? NonNullable<Header>
  : never;

/** `purpose` where the operation takes `X-Access-Purpose`; elsewhere `never`, which refuses any value. */
export type PurposeOption<Operation> = [HeaderParams<Operation>] extends [never]
  ? { purpose?: never }
  : 'x-access-purpose' extends keyof HeaderParams<Operation>
    ? {
        /** Why the data is accessed: one of the purposes the server's policy configures. */ purpose?: string;
      }
    : { purpose?: never };

/** The operation behind a path and method (Extract tells TypeScript it is an object, as openapi-fetch needs). */
type Operation<Path extends keyof paths, M extends Verb> = Extract<
  paths[Path][M],
  Record<string | number, unknown>
>;

type InitParam<Init> = RequiredKeysOf<Init> extends never ? [Init?] : [Init];

/** Every call takes its own time limit, instead of the client's `timeoutMs`. */
export interface TimeoutOption {
  /** Longest time this call may take, retries and a token refresh included (REQUEST_TIMEOUT beyond). */
  timeoutMs?: number;
}

export type Method<M extends Verb> = <
  Path extends ClientPathsWithMethod<Api, M>,
  Init extends MaybeOptionalInit<paths[Path], M>,
>(
  url: Path,
  ...init: InitParam<Init & PurposeOption<Operation<Path, M>> & TimeoutOption>
) => Promise<FetchResponse<Operation<Path, M>, Init, Media>>;

export interface TypedMethods {
  GET: Method<'get'>;
  POST: Method<'post'>;
  PUT: Method<'put'>;
  PATCH: Method<'patch'>;
  DELETE: Method<'delete'>;
}

type LooseInit = {
  purpose?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  headers?: Parameters<typeof mergeHeaders>[0];
} & Record<string, unknown>;
type LooseMethod = (url: string, init?: LooseInit) => Promise<unknown>;

function movePurpose(init: LooseInit | undefined): LooseInit | undefined {
  if (init?.purpose === undefined) return init;
  const { purpose, headers, ...rest } = init;
  return { ...rest, headers: mergeHeaders(headers, { 'x-access-purpose': purpose }) };
}

/** The five methods of `api`, taking `purpose` and `timeoutMs` as well. */
export function createTypedMethods(api: Api, defaultTimeoutMs: number): TypedMethods {
  const wrap = (method: LooseMethod) => async (url: string, init?: LooseInit) => {
    const { timeoutMs, signal, ...rest } = movePurpose(init) ?? {};
    const limit = timeoutMs === undefined ? defaultTimeoutMs : checkTimeout(timeoutMs, 'timeoutMs');
    return withTimeout(limit, signal, (bounded) => method(url, { ...rest, signal: bounded }));
  };
  // openapi-fetch's generic signatures cannot be restated through a wrapper; the types above are what callers see.
  const loose = api as unknown as Record<keyof TypedMethods, LooseMethod>;
  return {
    GET: wrap(loose.GET),
    POST: wrap(loose.POST),
    PUT: wrap(loose.PUT),
    PATCH: wrap(loose.PATCH),
    DELETE: wrap(loose.DELETE),
  } as unknown as TypedMethods;
}
