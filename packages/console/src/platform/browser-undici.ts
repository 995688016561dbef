/**
 * What `@strongroom/client` takes from undici, in the browser: the page's own `fetch` and `Response`. Bundled in
 * place of undici by vite.config.ts. In a browser the certificate is checked by the browser against its own trust
 * store and the page calls only its own origin (CSP `connect-src 'self'`), so there is no CA to pin: `Agent`, which
 * the client builds only when given a `ca`, refuses to exist here rather than silently not pinning.
 */

export const fetch: typeof globalThis.fetch = (input, init) => globalThis.fetch(input, init);

export const Response = globalThis.Response;

export class Agent {
  constructor() {
    throw new TypeError('A pinned CA is not available in the browser: create the client without `ca`');
  }
}
