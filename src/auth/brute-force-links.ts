/**
 * One live link of each kind per account (issue item 10): issuing a new reset, e-mail-verification or
 * change-e-mail link makes the earlier ones of that kind invalid, so a link left in an old mail (a shared inbox,
 * a forwarded message) stops working once the user asks again.
 *
 * - Reset links are verification rows `reset-password:<token>` valued with the user id
 *   (node_modules/better-auth/dist/api/routes/password.mjs): the earlier rows are deleted.
 * - Verification and change-e-mail links are signed JWTs that better-auth does not store
 *   (node_modules/better-auth/dist/api/routes/email-verification.mjs): the hash of the newest one per account and
 *   kind is kept as a verification row, and `/verify-email` refuses any other of that kind as INVALID_TOKEN, as
 *   better-auth refuses a forged one. Links issued before a row exists stay valid until they expire.
 */
import { getCurrentAuthContext } from "@better-auth/core/context";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import type { Db } from "../platform/db/index.ts";

const RESET_PREFIX = "reset-password:";
const NEWEST_LINK_PREFIX = "newest-link:";
/** As long as the longest-lived link (e-mail verification: a day, src/auth/index.ts). */
const NEWEST_LINK_TTL_MS = 24 * 60 * 60 * 1000;

export async function revokeEarlierResetLinks(db: Db, userId: string, keepToken: string): Promise<void> {
  await db.kysely
    .deleteFrom("verification")
    .where("value", "=", userId)
    .where("identifier", "like", `${RESET_PREFIX}%`)
    .where("identifier", "!=", `${RESET_PREFIX}${keepToken}`)
    .execute();
}

interface LinkClaims {
  readonly email?: string;
  readonly updateTo?: string;
  readonly userId?: string;
  readonly requestType?: string;
}

/** The claims of a link's JWT, unverified (better-auth verifies the signature afterwards), or null. */
function claimsOf(token: string): LinkClaims | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    return typeof claims === "object" && claims !== null ? (claims as LinkClaims) : null;
  } catch {
    return null;
  }
}

/** The row naming the newest link of this link's kind for its account. */
function newestLinkIdentifier(claims: LinkClaims): string | null {
  const account = claims.userId ?? claims.email;
  if (typeof account !== "string") return null;
  const kind = claims.requestType ?? (claims.updateTo ? "change-email" : "verify-email");
  return `${NEWEST_LINK_PREFIX}${kind}:${account}`;
}

async function hashOf(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return Buffer.from(digest).toString("hex");
}

/** Called by the mail senders (inside better-auth's endpoint) with the token of the link being sent. */
export async function rememberNewestLink(token: string): Promise<void> {
  const claims = claimsOf(token);
  const identifier = claims && newestLinkIdentifier(claims);
  if (!identifier) return;
  const { context } = await getCurrentAuthContext();
  await context.internalAdapter.deleteVerificationByIdentifier(identifier);
  await context.internalAdapter.createVerificationValue({
    identifier,
    value: await hashOf(token),
    expiresAt: new Date(Date.now() + NEWEST_LINK_TTL_MS),
  });
}

type InternalAdapter = Awaited<ReturnType<typeof getCurrentAuthContext>>["context"]["internalAdapter"];

/**
 * Refuses a link that is not the newest of its kind, the way better-auth refuses an invalid one: a redirect to
 * the callback URL with `?error=INVALID_TOKEN`, or 401 INVALID_TOKEN.
 */
export async function refuseSupersededLink(
  internalAdapter: InternalAdapter,
  query: { token?: unknown; callbackURL?: unknown } | undefined,
  redirect: (url: string) => unknown,
): Promise<void> {
  const token = query?.token;
  if (typeof token !== "string") return;
  const claims = claimsOf(token);
  const identifier = claims && newestLinkIdentifier(claims);
  if (!identifier) return;
  const newest = await internalAdapter.findVerificationValue(identifier);
  if (!newest || newest.value === (await hashOf(token))) return;
  const callbackURL = query?.callbackURL;
  if (typeof callbackURL === "string" && callbackURL !== "") {
    const url = new URL(callbackURL, "http://relative.invalid");
    url.searchParams.set("error", "INVALID_TOKEN");
    throw redirect(
      url.origin === "http://relative.invalid" ? `${url.pathname}${url.search}` : url.toString(),
    );
  }
  throw APIError.from("UNAUTHORIZED", { code: "INVALID_TOKEN", message: "Invalid token" });
}

/** The `/verify-email` check as a better-auth plugin (always on, unlike the rate limits). */
export function newestLinksPlugin() {
  return {
    id: "newest-links",
    hooks: {
      before: [
        {
          matcher: (ctx: { path?: string }) => ctx.path === "/verify-email",
          handler: createAuthMiddleware(async (ctx) => {
            await refuseSupersededLink(ctx.context.internalAdapter, ctx.query, (url) => ctx.redirect(url));
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}
