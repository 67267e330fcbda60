/**
 * The binding of a Gatehouse JWT (`GET /api/auth/token`) to the session it was issued for. A JWT cannot be
 * recalled once signed; without the binding it kept working for its 15 minutes after sign-out, revocation or a
 * password change that ended the session. The `sid` claim names the session, and a JWT counts only while that
 * session lives (ASVS 7.4.1). A JWT without `sid` (issued before the binding) is refused: it names no session.
 */
export const JWT_SESSION_CLAIM = "sid";

/** The session a JWT's `sid` names, with its user; null when there is none. */
export type SessionWithUser<U> = (sessionId: string) => Promise<{
  readonly userId: string;
  readonly expiresAt: Date | string | number;
  readonly user: U | null;
} | null>;

/**
 * The user of the JWT when the session its `sid` names still exists, belongs to its subject and has not expired
 * (the session row and its user in one query); null otherwise.
 */
export async function jwtSessionUser<U extends object>(
  sessionWithUser: SessionWithUser<U>,
  payload: Record<string, unknown>,
  subject: string,
): Promise<U | null> {
  const sessionId = payload[JWT_SESSION_CLAIM];
  if (typeof sessionId !== "string" || sessionId === "") return null;
  const row = await sessionWithUser(sessionId);
  if (!row?.user || row.userId !== subject || !(new Date(row.expiresAt).getTime() > Date.now())) return null;
  return row.user;
}
