/**
 * @strongroom/client: a typed client for the Strongroom API. Types come from the server's OpenAPI document
 * (openapi-typescript, `schema.ts`); requests go through openapi-fetch and undici.
 */
export { type ClientOptions, createClient, type StrongroomClient } from './create-client.js';
export {
  type ClientErrorCode,
  type ErrorCode,
  StrongroomError,
  type StrongroomErrorCode,
  toStrongroomError,
  unwrap,
} from './errors.js';
export type { RetryOptions } from './retry.js';
export type { components, operations, paths } from './schema.js';
export type { SharedRefreshToken } from './session.js';
export type { Fetch, FetchInit } from './transport.js';
export type { Method, PurposeOption, TypedMethods } from './typed-methods.js';
