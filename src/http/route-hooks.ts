/** A route's own hooks of one kind as a list, so a plugin can put its hook before them (route options allow one or many). */
export type Hook<T> = T | T[] | undefined;

export const hooksOf = <T>(hook: Hook<T>): T[] =>
  hook === undefined ? [] : Array.isArray(hook) ? hook : [hook];
