/**
 * Resolves the caller of a Gatehouse API into one Principal, whatever the credential: a session (cookie or
 * `Authorization: Bearer <session token>`), a JWT issued by Gatehouse (`/api/auth/token`, verified against its
 * JWKS), or a tenant-bound API key (`X-API-Key`). Banned users, JWTs whose session has ended, and revoked or
 * expired keys resolve to nothing.
 */
import type { Auth } from "./index.ts";
import { jwtSessionLives } from "./jwt-session.ts";
import { isBanActive, isPlatformAdminRoles, parseRoles } from "./roles.ts";

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
export type ApiKeyVerifier = (
  raw: string,
) => Promise<{ readonly id: string; readonly tenantId: string; readonly roles: readonly string[] } | null>;

export function createPrincipalResolver(deps: { auth: Auth; verifyApiKey: ApiKeyVerifier }) {
  const { auth, verifyApiKey } = deps;
  return async function resolvePrincipal(headers: Headers): Promise<Principal | null> {
    const apiKey = headers.get("x-api-key");
    if (apiKey) {
      const key = await verifyApiKey(apiKey.trim());
      return key ? { kind: "apiKey", keyId: key.id, tenantId: key.tenantId, roles: key.roles } : null;
    }
    const bearer = headers
      .get("authorization")
      ?.match(/^Bearer\s+(.+)$/i)?.[1]
      ?.trim();
    if (bearer && JWT_SHAPE.test(bearer)) {
      const verified = await auth.api.verifyJWT({ body: { token: bearer } }).catch(() => null);
      const payload = verified?.payload;
      const subject = payload?.sub;
      if (!payload || !subject) return null;
      const context = await auth.$context;
      if (!(await jwtSessionLives(context.adapter, payload, subject))) return null;
      const user = (await context.internalAdapter.findUserById(subject)) as UserLike | null;
      return user && !isBanActive(user) ? userPrincipal(user, null, "jwt") : null;
    }
    if (!bearer && !headers.get("cookie")) return null;
    const session = await auth.api.getSession({ headers }).catch(() => null);
    if (!session) return null;
    const user = session.user as UserLike;
    if (isBanActive(user)) return null;
    const active = (session.session as { activeOrganizationId?: string | null }).activeOrganizationId ?? null;
    return userPrincipal(user, active, "session");
  };
}

export type PrincipalResolver = ReturnType<typeof createPrincipalResolver>;
