/**
 * Who is making a request, as established by authentication: a snapshot of the user read during this request
 * (authentication re-reads the user on every request, so the snapshot is never older than the request).
 */
interface ActorUser {
  userId: string;
  username: string;
  roles: string[];
  userCreatedAt: number;
}

export type Actor =
  | (ActorUser & { kind: 'session'; sessionId: string })
  | (ActorUser & { kind: 'api_key'; apiKeyId: string });
