/** Who is making a request, as established by authentication. */
export type Actor =
  | { kind: 'session'; userId: string; username: string; roles: string[]; sessionId: string }
  | { kind: 'api_key'; userId: string; username: string; roles: string[]; apiKeyId: string };
