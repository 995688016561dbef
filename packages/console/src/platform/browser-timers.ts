/**
 * `setTimeout` of `node:timers/promises`, as `@strongroom/client` uses it between retries (wait, then resolve;
 * reject with the signal's reason when aborted), for the browser. Bundled in its place by vite.config.ts.
 */

export function setTimeout<T>(ms: number, value?: T, options: { signal?: AbortSignal } = {}): Promise<T> {
  const { signal } = options;
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      globalThis.clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = globalThis.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(value as T);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
