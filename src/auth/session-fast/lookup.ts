/**
 * A session read from the shared store (better-auth's `secondaryStorage`: Redis, or the in-process cache of a
 * single node) exactly as better-auth 1.7.25's internalAdapter.findSession reads it
 * (node_modules/better-auth/dist/db/internal-adapter.mjs), and judged as its get-session endpoint judges it
 * (node_modules/better-auth/dist/api/routes/session.mjs). The store stays the source of truth of every
 * request: nothing is kept on this node, so a session that another node ended is gone here on the next read.
 *
 * Anything but a live session that needs no write is "fallback", for better-auth to answer: no entry in the
 * store (it then reads the database, as storeSessionInDatabase asks), an unreadable entry, a session revoked by
 * its user's marker (`revoked-sessions-before-<userId>`: better-auth answers null and clears the cookie), an
 * expired one (it deletes it), and one due for its `updateAge` refresh (it writes the new expiry and a cookie).
 */
import { safeJSONParse } from "@better-auth/core/utils/json";
import { parseSessionOutput, parseUserOutput } from "better-auth/db";

/** The part of better-auth's context this reads. */
export interface SessionStoreContext {
  readonly options: Parameters<typeof parseSessionOutput>[0];
  readonly secondaryStorage: { get(key: string): Promise<unknown> };
  readonly sessionConfig: { readonly expiresIn: number; readonly updateAge: number };
}

export type SessionRecord = Record<string, unknown> & {
  readonly id: string;
  readonly userId: string;
  readonly token: string;
  readonly expiresAt: Date;
  readonly createdAt: Date;
};
export type UserRecord = Record<string, unknown> & { readonly id: string; readonly email: string };

export interface LiveSession {
  /** As better-auth's get-session returns them (parseSessionOutput / parseUserOutput). Shared: never mutate. */
  readonly session: SessionRecord;
  readonly user: UserRecord;
  /** Due for the `updateAge` refresh (better-auth writes a new expiry unless the client asked not to be remembered). */
  readonly needsRefresh: boolean;
  /**
   * What a caller derives from this stored value alone (e.g. its rendered answer), kept with it: a value that
   * changes in the store is another value, so nothing derived outlives what it was derived from.
   */
  readonly derived: Map<string, unknown>;
}

// better-auth (internal-adapter): a user's sessions created before this time (ms) are revoked.
const REVOKED_BEFORE = "revoked-sessions-before-";

interface Stored {
  session?: Record<string, unknown> & { userId?: unknown; createdAt?: unknown; expiresAt?: unknown };
  user?: Record<string, unknown>;
}

/** A stored session value, parsed once: what does not depend on the time of the request. */
interface Parsed {
  readonly session: SessionRecord;
  readonly user: UserRecord;
  readonly userId: string;
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
  readonly derived: Map<string, unknown>;
}

/**
 * Parsed values by their stored text. Parsing (JSON with better-auth's date reviver, then its output filters,
 * which deep-clone) was most of a session check's time; the text is the key, so an entry is only ever the parse
 * of exactly that text, and the store read, the revocation marker and the expiry stay per request. Bounded: the
 * oldest entry goes first (about 5 KB each).
 */
const PARSED_MAX = 1000;

const asDate = (value: unknown) => new Date(value as string | number | Date);

function parseStored(options: SessionStoreContext["options"], raw: unknown): Parsed | null {
  const stored = safeJSONParse<Stored>(raw as string);
  const session = stored?.session;
  const user = stored?.user;
  if (!session || !user || typeof session.userId !== "string") return null;
  const expiresAt = asDate(session.expiresAt);
  const createdAt = asDate(session.createdAt);
  // findSession's parse, then get-session's own (the same filter, so once is the same).
  const parsedSession = parseSessionOutput(options, {
    ...session,
    expiresAt,
    createdAt,
    updatedAt: asDate(session.updatedAt),
  } as unknown as Parameters<typeof parseSessionOutput>[1]) as unknown as SessionRecord;
  const parsedUser = parseUserOutput(options, {
    ...user,
    createdAt: asDate(user.createdAt),
    updatedAt: asDate(user.updatedAt),
  } as Parameters<typeof parseUserOutput>[1]) as unknown as UserRecord;
  return {
    session: parsedSession,
    user: parsedUser,
    userId: session.userId,
    createdAtMs: createdAt.getTime(),
    expiresAtMs: expiresAt.getTime(),
    derived: new Map(),
  };
}

export function createSessionLookup(context: SessionStoreContext) {
  const { options, secondaryStorage: storage, sessionConfig } = context;
  const parsedByText = new Map<string, Parsed | null>();

  function parsedOf(raw: string): Parsed | null {
    let parsed = parsedByText.get(raw);
    if (parsed === undefined) {
      parsed = parseStored(options, raw);
      if (parsedByText.size >= PARSED_MAX) {
        const oldest = parsedByText.keys().next();
        if (!oldest.done) parsedByText.delete(oldest.value);
      }
      parsedByText.set(raw, parsed);
    }
    return parsed;
  }

  return async function findLiveSession(token: string, now = Date.now()): Promise<LiveSession | "fallback"> {
    const raw = await storage.get(token);
    if (raw === null || raw === undefined || raw === "") return "fallback";
    // A store that hands back objects (not Gatehouse's) has them revived each time, as better-auth does.
    const parsed = typeof raw === "string" ? parsedOf(raw) : parseStored(options, raw);
    if (!parsed) return "fallback";
    const revokedBefore = Number(await storage.get(`${REVOKED_BEFORE}${parsed.userId}`));
    if (parsed.createdAtMs < revokedBefore) return "fallback";
    if (!(parsed.expiresAtMs >= now)) return "fallback";
    const { expiresIn, updateAge } = sessionConfig;
    const needsRefresh = parsed.expiresAtMs - expiresIn * 1000 + updateAge * 1000 <= now;
    return { session: parsed.session, user: parsed.user, needsRefresh, derived: parsed.derived };
  };
}

export type SessionLookup = ReturnType<typeof createSessionLookup>;
