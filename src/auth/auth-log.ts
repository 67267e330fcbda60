/**
 * Log lines for what an operator needs to see of authentication (issue 10, item 14): every failed sign-in with
 * the account tried and the client address, every successful sign-in with its method, sign-outs, and the
 * administrative acts done through better-auth (bans, roles, impersonation, users, memberships). A log is not
 * the audit trail (src/identity/audit records events); never a secret — passwords and tokens are redacted and
 * input is cut by the logger (src/platform/logger.ts).
 */
import type { BetterAuthPlugin } from "better-auth";
import { createAuthMiddleware, isAPIError } from "better-auth/api";
import { CLIENT_IP_HEADER } from "../platform/client-ip.ts";
import type { Logger } from "../platform/logger.ts";

/** Paths that end in a session (or a second-factor step) when the credential is right. */
const SIGN_IN_PATHS = new Set([
  "/sign-in/email",
  "/sign-in/username",
  "/sign-in/phone-number",
  "/phone-number/verify",
  "/two-factor/verify-totp",
  "/two-factor/verify-otp",
  "/two-factor/verify-backup-code",
  "/one-tap/callback",
  "/callback/:id",
]);

/** Administrative acts: admin plugin routes and changes of tenant memberships and roles. */
const ADMIN_PATHS =
  /^\/(admin\/|organization\/(add-member|remove-member|update-member-role|invite-member|accept-invitation|create|delete|leave))/;

interface Outcome {
  readonly ok: boolean;
  readonly code?: string;
}

function outcomeOf(returned: unknown): Outcome {
  if (isAPIError(returned)) {
    const code = (returned.body as { code?: unknown } | undefined)?.code;
    return { ok: false, code: typeof code === "string" ? code : String(returned.status) };
  }
  if (returned instanceof Response && returned.status >= 400)
    return { ok: false, code: String(returned.status) };
  return { ok: true };
}

function accountOf(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const fields = body as Record<string, unknown>;
  const account = fields.email ?? fields.username ?? fields.phoneNumber;
  return typeof account === "string" ? account : undefined;
}

export function authEventLog(logger: Logger): BetterAuthPlugin {
  return {
    id: "gatehouse-auth-log",
    hooks: {
      after: [
        {
          matcher: () => true,
          handler: createAuthMiddleware(async (ctx) => {
            const path = ctx.path;
            const isSignIn = SIGN_IN_PATHS.has(path);
            const isAdmin = ADMIN_PATHS.test(path);
            if (!isSignIn && !isAdmin && path !== "/sign-out") return;
            const { ok, code } = outcomeOf(ctx.context.returned);
            const address = ctx.headers?.get(CLIENT_IP_HEADER) ?? ctx.request?.headers.get(CLIENT_IP_HEADER);
            const where = { method: path, address: address ?? null };
            if (isSignIn) {
              const userId = ctx.context.newSession?.user.id;
              if (ok && userId) logger.info({ ...where, userId }, "sign-in succeeded");
              else if (ok)
                logger.info({ ...where, account: accountOf(ctx.body) }, "sign-in needs a second factor");
              else logger.warn({ ...where, account: accountOf(ctx.body), code }, "sign-in failed");
              return;
            }
            if (path === "/sign-out") {
              if (ok) logger.info(where, "signed out");
              return;
            }
            const actor = ctx.context.session?.user.id ?? null;
            const body = (typeof ctx.body === "object" && ctx.body !== null ? ctx.body : {}) as Record<
              string,
              unknown
            >;
            const subject = body.userId ?? body.memberId ?? body.email ?? body.organizationId ?? null;
            const line = { ...where, actor, subject, organizationId: body.organizationId ?? null };
            if (ok) logger.info(line, "administrative change");
            else logger.info({ ...line, code }, "administrative change refused");
          }),
        },
      ],
    },
  };
}
