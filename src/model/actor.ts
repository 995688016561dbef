/**
 * Who is making a request, as established by authentication: a snapshot of the user read during this request
 * (authentication re-reads the user on every request, so the snapshot is never older than the request).
 */
interface ActorUser {
  userId: string;
  username: string;
  /** The roles this credential acts with: the user's, narrowed to the API key's own list when it has one. */
  roles: string[];
  userCreatedAt: number;
  /**
   * The keyed HMAC (`subject-id/v1`) of the person this user is, as stored: what policy `$actor.subject`
   * conditions compare (records hold the same HMAC); null when not set. The id itself is never in an Actor.
   */
  subjectHash: string | null;
  /** Non-secret claims compared by policy conditions (`$actor.attributes.<name>`). */
  attributes: Readonly<Record<string, string | number | boolean>>;
  /** The password was reset by an administrator and not yet changed: only the password change is open (absent: no). */
  mustChangePassword?: boolean;
}

export type Actor =
  | (ActorUser & { kind: 'session'; sessionId: string })
  | (ActorUser & { kind: 'api_key'; apiKeyId: string });
