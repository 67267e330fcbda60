/**
 * One live link of each kind per account (issue item 10): issuing a new reset, e-mail-verification or
 * change-e-mail link makes the earlier ones of that kind invalid, so a link left in an old mail (a shared inbox,
 * a forwarded message) stops working once the user asks again.
 *
 * The mail senders (src/auth/index.ts) remember the hash of the newest link per account and kind as a
 * verification row, and the hooks below refuse any other link of that kind the way better-auth refuses an invalid
 * one (INVALID_TOKEN). This works whether or not better-auth stores the link: a reset link is a verification row
 * `reset-password:<token>` (node_modules/better-auth/dist/api/routes/password.mjs), a verification or
 * change-e-mail link a signed JWT that is not stored (node_modules/better-auth/dist/api/routes/email-verification.mjs).
 * Links issued before such a row exists stay valid until they expire.
 */
import { getCurrentAuthContext } from "@better-auth/core/context";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";

const RESET_PREFIX = "reset-password:";
const NEWEST_LINK_PREFIX = "newest-link:";
/** As long as the longest-lived link (e-mail verification: a day, src/auth/index.ts). */
const NEWEST_LINK_TTL_MS = 24 * 60 * 60 * 1000;

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

/** Called by the verification and change-e-mail senders (inside better-auth's endpoint) with the link's token. */
export async function rememberNewestLink(token: string): Promise<void> {
  const claims = claimsOf(token);
  const identifier = claims && newestLinkIdentifier(claims);
  if (identifier) await remember(identifier, token);
}

/** Called by the reset-mail sender with the account and the link's token. */
export async function rememberNewestResetLink(userId: string, token: string): Promise<void> {
  await remember(`${NEWEST_LINK_PREFIX}reset-password:${userId}`, token);
}

async function remember(identifier: string, token: string): Promise<void> {
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

/** Refuses a reset token that is not the account's newest, with better-auth's 400 INVALID_TOKEN. */
export async function refuseSupersededResetToken(
  internalAdapter: InternalAdapter,
  token: unknown,
): Promise<void> {
  if (typeof token !== "string" || token === "") return;
  const reset = await internalAdapter.findVerificationValue(`${RESET_PREFIX}${token}`);
  if (!reset) return;
  const newest = await internalAdapter.findVerificationValue(
    `${NEWEST_LINK_PREFIX}reset-password:${reset.value}`,
  );
  if (!newest || newest.value === (await hashOf(token))) return;
  throw APIError.from("BAD_REQUEST", { code: "INVALID_TOKEN", message: "Invalid token" });
}

/** The checks as a better-auth plugin (always on, unlike the rate limits). */
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
        {
          matcher: (ctx: { path?: string }) => ctx.path === "/reset-password",
          handler: createAuthMiddleware(async (ctx) => {
            const body = ctx.body as { token?: unknown } | undefined;
            const query = ctx.query as { token?: unknown } | undefined;
            await refuseSupersededResetToken(ctx.context.internalAdapter, body?.token || query?.token);
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}
