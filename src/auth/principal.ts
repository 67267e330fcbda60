/**
 * Resolves the caller of a Gatehouse API into one Principal, whatever the credential: a session (cookie or
 * `Authorization: Bearer <session token>`), a JWT issued by Gatehouse (`/api/auth/token`, verified against its
 * JWKS), or a tenant-bound API key (`X-API-Key`). Banned users, JWTs whose session has ended, and revoked or
 * expired keys resolve to nothing.
 */
import type { AuthzPrincipal } from "../authz/model.ts";
import type { Db } from "../platform/db/index.ts";
import { preparedQuery } from "../platform/db/prepared.ts";
import type { Auth } from "./index.ts";
import { jwtSessionUser, type SessionWithUser } from "./jwt-session.ts";
import { isBanActive, isPlatformAdminRoles, parseRoles } from "./roles.ts";
import { fastSessionsOf } from "./session-fast/index.ts";
import { createJwtVerifier } from "./session-fast/jwt.ts";

export type Principal =
  | {
      readonly kind: "user";
      readonly userId: string;
      readonly email: string;
      readonly globalRoles: readonly string[];
      readonly isPlatformAdmin: boolean;
      /** The session's active organization, if the credential is a session that has one. */
      readonly activeTenantId: string | null;
      readonly via: "session" | "jwt";
    }
  | {
      readonly kind: "apiKey";
      readonly keyId: string;
      readonly tenantId: string;
      readonly roles: readonly string[];
      /** The person the key answers to, as they stand now (read with the key); null when gone or banned. */
      readonly creator: AuthzPrincipal | null;
    };

/** Whether a request carries any credential at all, valid or not (resolving it is resolvePrincipal's job). */
export function hasCredential(headers: Headers): boolean {
  return (
    headers.has("authorization") ||
    headers.has("x-api-key") ||
    /session_token=/.test(headers.get("cookie") ?? "")
  );
}

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

interface UserLike {
  id: string;
  email: string;
  role?: unknown;
  banned?: unknown;
  banExpires?: unknown;
}

function userPrincipal(user: UserLike, activeTenantId: string | null, via: "session" | "jwt"): Principal {
  const roles = parseRoles(user.role);
  return {
    kind: "user",
    userId: user.id,
    email: user.email,
    globalRoles: roles,
    isPlatformAdmin: isPlatformAdminRoles(roles),
    activeTenantId,
    via,
  };
}

/** Looks up a raw API key (src/identity/api-keys/service.ts implements it); null when unknown, revoked or expired. */
export type ApiKeyVerifier = (raw: string) => Promise<{
  readonly id: string;
  readonly tenantId: string;
  readonly roles: readonly string[];
  readonly creator: AuthzPrincipal | null;
} | null>;

interface SessionUserRow {
  userId: string;
  expiresAt: Date | string | number;
  id: string | null;
  email: string;
  role: unknown;
  banned: unknown;
  banExpires: unknown;
}

/** A JWT's session and the fields of its user a principal needs: one read, compiled once. */
function sessionWithUserReader(db: Db): SessionWithUser<UserLike> {
  const select = preparedQuery<SessionUserRow>(db, (kysely, param) =>
    kysely
      .selectFrom("session as s")
      .leftJoin("user as u", "u.id", "s.userId")
      .select(["s.userId", "s.expiresAt", "u.id", "u.email", "u.role", "u.banned", "u.banExpires"])
      .where("s.id", "=", param(0))
      .limit(1),
  );
  return async (sessionId) => {
    const [row] = await select(sessionId);
    if (!row) return null;
    const { userId, expiresAt, id, ...user } = row;
    return { userId, expiresAt, user: id ? { id, ...user } : null };
  };
}

export function createPrincipalResolver(deps: { auth: Auth; db: Db; verifyApiKey: ApiKeyVerifier }) {
  const { auth, verifyApiKey } = deps;
  const sessionWithUser = sessionWithUserReader(deps.db);
  // Sessions from the shared store and JWT keys kept by kid (src/auth/session-fast/): what stays per request is
  // the store read, the JWT's session and its user, so that a revocation on any node counts on the next request.
  const fastSessions = fastSessionsOf(auth);
  const verifyJwt = createJwtVerifier(auth);
  return async function resolvePrincipal(headers: Headers): Promise<Principal | null> {
    const apiKey = headers.get("x-api-key");
    if (apiKey) {
      const key = await verifyApiKey(apiKey.trim());
      return key
        ? { kind: "apiKey", keyId: key.id, tenantId: key.tenantId, roles: key.roles, creator: key.creator }
        : null;
    }
    const bearer = headers
      .get("authorization")
      ?.match(/^Bearer\s+(.+)$/i)?.[1]
      ?.trim();
    if (bearer && JWT_SHAPE.test(bearer)) {
      const payload = await verifyJwt(bearer);
      const subject = payload?.sub;
      if (!payload || !subject) return null;
      const user = await jwtSessionUser(sessionWithUser, payload, subject);
      return user && !isBanActive(user) ? userPrincipal(user, null, "jwt") : null;
    }
    if (!bearer && !headers.get("cookie")) return null;
    const live = await fastSessions.sessionOf(headers);
    // undefined: not the common case (a refresh due, no store entry, …): better-auth's own get-session.
    const session = live === undefined ? await auth.api.getSession({ headers }).catch(() => null) : live;
    if (!session) return null;
    const user = session.user as UserLike;
    if (isBanActive(user)) return null;
    const active = (session.session as { activeOrganizationId?: string | null }).activeOrganizationId ?? null;
    return userPrincipal(user, active, "session");
  };
}

export type PrincipalResolver = ReturnType<typeof createPrincipalResolver>;
