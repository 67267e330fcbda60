/**
 * The password rule (src/auth/account-rules.ts) on every better-auth path that sets a password — sign-up,
 * admin create-user and set-user-password, change-password, set-password, reset-password, phone reset — with
 * the identifiers of the account it is for, and optionally Have I Been Pwned (PWNED_PASSWORDS=true). A plugin
 * placed last (src/auth/index.ts): its before-hook runs after the bearer plugin's has turned a Bearer token into
 * the session cookie, so the signed-in user is known, and before better-auth hashes anything.
 */
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { en } from "../i18n/locales/en.ts";
import type { PwnedCheck } from "../platform/password/pwned.ts";
import { type PasswordProblem, passwordProblem } from "./account-rules.ts";

/** The body field that carries the new password, per path. */
const NEW_PASSWORD_FIELD: Readonly<Record<string, string>> = {
  "/sign-up/email": "password",
  "/admin/create-user": "password",
  "/change-password": "newPassword",
  "/set-password": "newPassword",
  "/reset-password": "newPassword",
  "/admin/set-user-password": "newPassword",
  "/phone-number/reset-password": "newPassword",
};

const CODE: Readonly<Record<PasswordProblem, keyof typeof en.auth>> = {
  too_short: "PASSWORD_TOO_SHORT",
  too_long: "PASSWORD_TOO_LONG",
  too_common: "PASSWORD_TOO_COMMON",
  contains_identifier: "PASSWORD_CONTAINS_IDENTIFIER",
};

interface Identified {
  email?: string | null;
  name?: string | null;
  username?: string | null;
  phoneNumber?: string | null;
}

const identifiersOf = (user: Identified | null | undefined) =>
  user ? [user.email, user.name, user.username, user.phoneNumber] : [];

interface PasswordContext {
  path: string;
  body: unknown;
  query?: unknown;
  request?: Request | undefined;
  headers?: Headers | undefined;
  getSignedCookie(name: string, secret: string): Promise<string | null | false>;
  context: {
    secret: string;
    authCookies: { sessionToken: { name: string } };
    internalAdapter: {
      findSession(token: string): Promise<{ user: Identified } | null>;
      findUserById(id: string): Promise<Identified | null>;
      findVerificationValue(identifier: string): Promise<{ value: string } | null>;
    };
  };
}

/**
 * The caller's session token, from the session cookie or a Bearer token. Before-hooks run before the bearer
 * plugin's header reaches the request, so the session is looked up here. Only identifiers come of it: the route
 * itself still authenticates the caller.
 */
async function sessionToken(ctx: PasswordContext): Promise<string | undefined> {
  const cookie = await ctx
    .getSignedCookie(ctx.context.authCookies.sessionToken.name, ctx.context.secret)
    .catch(() => null);
  if (cookie) return cookie;
  const authorization = ctx.headers?.get("authorization") ?? "";
  if (!/^bearer /i.test(authorization)) return undefined;
  // A signed bearer token is `token.signature`; the raw token has no dot.
  return decodeURIComponent(authorization.slice(7).trim()).split(".")[0] || undefined;
}

/** Whose password this is: the signed-in user, the admin's target, or the owner of the reset token. */
async function accountIdentifiers(ctx: PasswordContext, body: Record<string, unknown>) {
  const adapter = ctx.context.internalAdapter;
  if (ctx.path === "/change-password" || ctx.path === "/set-password") {
    const token = await sessionToken(ctx);
    return token ? identifiersOf((await adapter.findSession(token).catch(() => null))?.user) : [];
  }
  if (ctx.path === "/admin/set-user-password" && typeof body.userId === "string") {
    return identifiersOf(await adapter.findUserById(body.userId).catch(() => null));
  }
  if (ctx.path === "/reset-password") {
    const query = (ctx.query ?? {}) as Record<string, unknown>;
    const token = body.token ?? query.token;
    if (typeof token !== "string") return [];
    const verification = await adapter.findVerificationValue(`reset-password:${token}`).catch(() => null);
    if (!verification) return [];
    return identifiersOf(await adapter.findUserById(verification.value).catch(() => null));
  }
  return [];
}

function refuse(problem: PasswordProblem): never {
  const code = CODE[problem];
  throw APIError.from("BAD_REQUEST", { code, message: en.auth[code] });
}

async function checkNewPassword(ctx: PasswordContext, pwned: PwnedCheck | undefined): Promise<void> {
  const field = NEW_PASSWORD_FIELD[ctx.path];
  if (!field) return;
  // Gatehouse's own server-side calls (the first admin from ADMIN_EMAIL/ADMIN_PASSWORD) carry no request; that
  // password is checked at start-up instead, strictly in production (src/identity/accounts/bootstrap.ts).
  if (!ctx.request && !ctx.headers) return;
  if (typeof ctx.body !== "object" || ctx.body === null) return;
  const body = ctx.body as Record<string, unknown>;
  const password = body[field];
  if (typeof password !== "string") return;
  const data = (typeof body.data === "object" && body.data !== null ? body.data : {}) as Identified;
  const identifiers = [
    ...identifiersOf(body as Identified),
    ...identifiersOf(data),
    ...(await accountIdentifiers(ctx, body)),
  ];
  const problem = passwordProblem(password, identifiers);
  if (problem) refuse(problem);
  if (pwned && (await pwned(password))) refuse("too_common");
}

export interface PasswordRulesOptions {
  /** Have I Been Pwned's range check, when PWNED_PASSWORDS=true. */
  readonly pwned?: PwnedCheck;
}

export function passwordRules({ pwned }: PasswordRulesOptions = {}): BetterAuthPlugin {
  return {
    id: "gatehouse-password-rules",
    hooks: {
      before: [
        {
          matcher: (context) => (context.path ?? "") in NEW_PASSWORD_FIELD,
          handler: createAuthMiddleware(async (ctx) => checkNewPassword(ctx as never, pwned)),
        },
      ],
    },
  };
}
