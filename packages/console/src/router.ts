/**
 * Hash routing (`#/users`, `#/collections/patients`): the server serves one page at `/console/`, and nothing
 * after `#` is sent to it, so no route segment (a collection name, say) ends up in a server or proxy log.
 */
import { useEffect, useState } from 'preact/hooks';

/** The route of `hash` as its segments (`#/collections/a%20b` → ['collections', 'a b']). */
export function parseHash(hash: string): string[] {
  return hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((part) => part !== '')
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
}

/** The href of a route: `hrefOf('collections', 'a b')` → `#/collections/a%20b`. */
export function hrefOf(...segments: string[]): string {
  return `#/${segments.map(encodeURIComponent).join('/')}`;
}

/** The current route, updated on every hash change. */
export function useRoute(): string[] {
  const [route, setRoute] = useState(() => parseHash(globalThis.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(globalThis.location.hash));
    globalThis.addEventListener('hashchange', onChange);
    return () => globalThis.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
