/** A stored value as text: masked values as the server sent them, null (redacted) as "redacted". */
export function showValue(value: unknown, level: string | undefined): string {
  if (value === null || value === undefined) return level === undefined ? '—' : 'redacted';
  return String(value);
}
