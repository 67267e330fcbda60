/**
 * Single-use secrets are consumed atomically: of many requests presenting one, exactly one wins (issue 11
 * item 5). better-auth 1.7.25 already consumes its verification rows atomically (internalAdapter
 * .consumeVerificationValue: a conditional DELETE … RETURNING), which covers reset links, e-mail and phone OTPs,
 * two-factor OTPs and magic links, and an invitation's status moves from `pending` conditionally. What it leaves:
 *
 * - **E-mail verification and change-of-e-mail links** are signed JWTs that are never stored
 *   (node_modules/better-auth/dist/api/routes/email-verification.mjs): any number of requests with one link each
 *   verified the address and opened a session. A valid link is now reserved before better-auth acts on it —
 *   `internalAdapter.reserveVerificationValue`, a verification row whose primary key is derived from the link's
 *   hash, so the database lets exactly one request create it — and every other request is refused as better-auth
 *   refuses a used link: INVALID_TOKEN (401, or a redirect to the callback URL with `?error=INVALID_TOKEN`).
 * - **Invitations** could be accepted by an account that is already a member, suspended included — a second
 *   membership beside the suspended one, so an old invitation undid a suspension. Refused with better-auth's
 *   USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION.
 * - **Backup codes** are swapped by compare-and-swap of the stored list; the loser of a race got a 409 without a
 *   code. It gets INVALID_BACKUP_CODE, which is what its code has become.
 */

import { getCurrentAuthContext } from "@better-auth/core/context";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import { verifyJWT } from "better-auth/crypto";

const CONSUMED_LINK_PREFIX = "consumed-link:";
/** A link without an expiry claim (never issued by better-auth) is remembered as long as the longest link. */
const DEFAULT_LINK_TTL_MS = 24 * 60 * 60 * 1000;

async function sha256(value: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  return Buffer.from(digest).toString("hex");
}

/** better-auth's refusal of a link: a redirect to the callback URL with the error, else 401 INVALID_TOKEN. */
function usedLink(callbackURL: unknown, redirect: (url: string) => unknown): unknown {
  if (typeof callbackURL === "string" && callbackURL !== "") {
    const url = new URL(callbackURL, "http://relative.invalid");
    url.searchParams.set("error", "INVALID_TOKEN");
    return redirect(
      url.origin === "http://relative.invalid" ? `${url.pathname}${url.search}` : url.toString(),
    );
  }
  return APIError.from("UNAUTHORIZED", { code: "INVALID_TOKEN", message: "Invalid token" });
}

/** GET /verify-email: the first request with a valid link reserves it; the others are refused. */
const consumeLink = createAuthMiddleware(async (ctx) => {
  const query = ctx.query as { token?: unknown; callbackURL?: unknown } | undefined;
  const token = query?.token;
  if (typeof token !== "string" || token === "") return;
  // Only a link better-auth would accept is recorded: forged or expired ones get its own answer, and leave no row.
  const claims = await verifyJWT<{ exp?: unknown }>(token, ctx.context.secret);
  if (!claims) return;
  const expiresAt = new Date(
    typeof claims.exp === "number" ? claims.exp * 1000 : Date.now() + DEFAULT_LINK_TTL_MS,
  );
  const reserved = await ctx.context.internalAdapter.reserveVerificationValue({
    identifier: `${CONSUMED_LINK_PREFIX}${await sha256(token)}`,
    value: "used",
    expiresAt,
  });
  if (!reserved) throw usedLink(query?.callbackURL, (url) => ctx.redirect(url));
});

/**
 * The organization plugin's `beforeAcceptInvitation` (wired in src/auth/plugins/organization.ts, where the
 * invitee is known): never a second membership of one tenant, suspended or not.
 */
export async function refuseSecondMembership(data: {
  invitation: { organizationId: string };
  user: { id: string };
}): Promise<void> {
  const { context } = await getCurrentAuthContext();
  // A count, not a findOne: inside /organization/* routes the adapter hides the caller's suspended membership
  // from its reads (src/auth/plugins/suspended-memberships.ts), and that is the one this must see.
  const memberships = await context.adapter.count({
    model: "member",
    where: [
      { field: "organizationId", value: data.invitation.organizationId },
      { field: "userId", value: data.user.id },
    ],
  });
  if (memberships > 0) {
    throw APIError.from("BAD_REQUEST", {
      code: "USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION",
      message: "User is already a member of this organization",
    });
  }
}

/** POST /two-factor/verify-backup-code: the loser of the compare-and-swap gets the answer of a used code. */
const usedBackupCode = createAuthMiddleware(async (ctx) => {
  const returned = ctx.context.returned;
  if (!isAPIError(returned) || returned.statusCode !== 409) return;
  const error = APIError.from("UNAUTHORIZED", {
    code: "INVALID_BACKUP_CODE",
    message: "Invalid backup code",
  });
  // Over HTTP the endpoint's 409 would survive a thrown error (better-call keeps the first outcome's status, as
  // in src/auth/plugins/admin-guards.ts): answer with a whole Response; server-side calls get the error.
  if (!ctx.request) throw error;
  return Response.json(error.body, { status: error.statusCode });
});

export function singleUsePlugin() {
  return {
    id: "gatehouse-single-use",
    hooks: {
      before: [{ matcher: (ctx: { path?: string }) => ctx.path === "/verify-email", handler: consumeLink }],
      after: [
        {
          matcher: (ctx: { path?: string }) => ctx.path === "/two-factor/verify-backup-code",
          handler: usedBackupCode,
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}
