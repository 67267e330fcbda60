/**
 * A cap on the live sessions of one user (MAX_SESSIONS_PER_USER, ASVS 7.1.1): when a new session makes the user
 * hold more than the cap, the oldest ones are revoked — deleted from the database and from the cache, through
 * better-auth's own `deleteSession`, exactly as a sign-out does — and one `session.revoked` audit event says how
 * many, with the reason `session_limit`. The new session is never the one revoked.
 *
 * Why: better-auth keeps a list of every live session of a user in the cache (`active-sessions-<userId>`) and
 * reads, filters, sorts and rewrites it whole on every sign-in (createSession in
 * node_modules/better-auth/dist/db/internal-adapter.mjs). Without a bound, sign-in got slower the more sessions
 * a user (or a script signing in as that user) had piled up; with the cap the list, and so that cost, stays
 * bounded by the cap.
 */
import type { BetterAuthPlugin } from "better-auth";
import type { Kysely } from "kysely";
import type { Db, Tables } from "../platform/db/index.ts";
import { preparedQuery } from "../platform/db/prepared.ts";
import { dateParam } from "../platform/db/values.ts";
import type { Logger } from "../platform/logger.ts";
import type { RecordAuditEvent } from "./audit-event.ts";

interface CreatedSession {
  readonly userId: string;
  readonly token: string;
}

// Lowering the cap on a running deployment may leave a user far above it: revoke at most this many per
// sign-in, so that no request is held up deleting thousands; the next sign-ins (or expiry) take the rest.
const MAX_REVOKED_PER_SIGN_IN = 200;

/**
 * The surplus sessions of a user: live ones other than the new one, newest first, past the newest
 * `maxSessions - 1`; read along the index of migration 014. The columns are better-auth's session fields, which
 * Gatehouse does not rename.
 */
export function surplusSessions(
  kysely: Kysely<Tables>,
  maxSessions: number,
  userId: string,
  newToken: string,
  now: unknown,
) {
  return kysely
    .selectFrom("session")
    .select("token")
    .where("userId", "=", userId)
    .where("token", "<>", newToken)
    .where("expiresAt", ">", now as Date)
    .orderBy("createdAt", "desc")
    .limit(MAX_REVOKED_PER_SIGN_IN)
    .offset(maxSessions - 1);
}

export function sessionCapPlugin(options: {
  /** Live sessions a user may hold; 0 turns the cap off. */
  readonly maxSessions: number;
  readonly db: Db;
  readonly logger: Logger;
  readonly recordAudit?: RecordAuditEvent | undefined;
}) {
  const { maxSessions, db, logger, recordAudit } = options;
  // Compiled once, since it runs on every sign-in (better-auth's adapter built, compiled and transformed it each
  // time).
  const surplusOf = preparedQuery<{ token: string }>(db, (kysely, param) =>
    surplusSessions(kysely, maxSessions, param(0), param(1), param(2)),
  );
  return {
    id: "gatehouse-session-cap",
    init(ctx) {
      if (maxSessions <= 0) return {};
      const { internalAdapter } = ctx;
      async function enforceCap(created: CreatedSession): Promise<void> {
        // The newest `maxSessions - 1` sessions other than the new one stay; everything older goes.
        const surplus = await surplusOf(created.userId, created.token, dateParam(db.dialect, new Date()));
        if (surplus.length === 0) return;
        for (const { token } of surplus) await internalAdapter.deleteSession(token);
        await recordAudit?.({
          type: "session.revoked",
          actorType: "system",
          subjectType: "user",
          subjectId: created.userId,
          details: { reason: "session_limit", sessions: surplus.length, limit: maxSessions },
        });
      }
      return {
        options: {
          databaseHooks: {
            session: {
              create: {
                after: async (session: CreatedSession | null) => {
                  if (!session?.userId || !session.token) return;
                  // The session exists and the sign-in has succeeded: a failure here must not undo it, only be
                  // seen (the next sign-in tries again).
                  await enforceCap(session).catch((error: unknown) =>
                    logger.error({ err: error, userId: session.userId }, "could not enforce the session cap"),
                  );
                },
              },
            },
          },
        },
      };
    },
  } satisfies BetterAuthPlugin;
}
