/**
 * The binding of a Gatehouse JWT (`GET /api/auth/token`) to the session it was issued for. A JWT cannot be
 * recalled once signed; without the binding it kept working for its 15 minutes after sign-out, revocation or a
 * password change that ended the session. The `sid` claim names the session, and a JWT counts only while that
 * session lives (ASVS 7.4.1). A JWT without `sid` (issued before the binding) is refused: it names no session.
 */
export const JWT_SESSION_CLAIM = "sid";

/** The part of better-auth's adapter this needs (a structural type: src/auth/index.ts imports this module). */
interface Adapter {
  findOne<T>(query: {
    model: string;
    where: { field: string; value: string }[];
    join?: { user: true };
  }): Promise<T | null>;
}

interface SessionRow {
  userId: string;
  expiresAt: Date | string | number;
}

/**
 * The user of the JWT when the session its `sid` names still exists, belongs to its subject and has not expired
 * (the session row and its user in one query); null otherwise.
 */
export async function jwtSessionUser<U extends object>(
  adapter: Adapter,
  payload: Record<string, unknown>,
  subject: string,
): Promise<U | null> {
  const sessionId = payload[JWT_SESSION_CLAIM];
  if (typeof sessionId !== "string" || sessionId === "") return null;
  const row = await adapter.findOne<SessionRow & { user?: U | null }>({
    model: "session",
    where: [{ field: "id", value: sessionId }],
    join: { user: true },
  });
  if (!row?.user || row.userId !== subject || !(new Date(row.expiresAt).getTime() > Date.now())) return null;
  return row.user;
}
