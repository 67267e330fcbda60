/**
 * What the account page shows, read from better-auth's own endpoints with the browser's cookies (the same
 * answers a client of /api/auth gets): the signed-in user and session (/get-session), the user's sessions
 * (/list-sessions, without tokens: src/auth/plugins/session-hygiene.ts) and linked accounts (/list-accounts).
 */
import type { Pages } from "../context.ts";

export interface AccountUser {
  readonly id: string;
  readonly name: string;
  /** "" for an account without an e-mail address (the reserved placeholder of docs/architecture.md). */
  readonly email: string;
  readonly emailVerified: boolean;
  readonly image: string;
  readonly locale: string;
  readonly twoFactorEnabled: boolean;
}

export interface SessionRow {
  readonly id: string;
  readonly userAgent: string;
  readonly ipAddress: string;
  readonly createdAt: Date | undefined;
  readonly updatedAt: Date | undefined;
}

export interface LinkedAccount {
  readonly id: string;
  readonly providerId: string;
  readonly accountId: string;
  readonly createdAt: Date | undefined;
}

export interface AccountData {
  readonly user: AccountUser;
  readonly currentSessionId: string;
  readonly sessions: readonly SessionRow[];
  readonly accounts: readonly LinkedAccount[];
  /** Whether the user has a password (a `credential` account), which the forms then ask for. */
  readonly hasPassword: boolean;
}

const PLACEHOLDER_EMAIL = /@users\.invalid$/;

type Row = Record<string, unknown>;
const text = (value: unknown) => (typeof value === "string" ? value : "");
const date = (value: unknown) => {
  if (typeof value !== "string" && typeof value !== "number" && !(value instanceof Date)) return undefined;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
};
const rows = (body: unknown): Row[] =>
  Array.isArray(body) ? body.filter((row): row is Row => typeof row === "object" && row !== null) : [];

/** `cookie` replaces the request's cookies (after an action of this request set new ones). */
export async function loadAccount(
  pages: Pages,
  request: Request,
  cookie?: string,
): Promise<AccountData | undefined> {
  const cookies = cookie ?? request.headers.get("cookie") ?? "";
  if (!cookies.includes("session_token")) return undefined;
  const session = await pages.callAuth(request, "/get-session", { cookie: cookies });
  const user = session.ok ? (session.body?.user as Row | undefined) : undefined;
  const current = session.ok ? (session.body?.session as Row | undefined) : undefined;
  if (!user || typeof user.id !== "string" || !current) return undefined;
  const [sessions, accounts] = await Promise.all([
    pages.callAuth(request, "/list-sessions", { cookie: cookies }),
    pages.callAuth(request, "/list-accounts", { cookie: cookies }),
  ]);
  const email = PLACEHOLDER_EMAIL.test(text(user.email)) ? "" : text(user.email);
  const linked = rows(accounts.json).map((row) => ({
    id: text(row.id),
    providerId: text(row.providerId),
    accountId: text(row.accountId),
    createdAt: date(row.createdAt),
  }));
  return {
    user: {
      id: user.id,
      name: text(user.name),
      email,
      emailVerified: user.emailVerified === true,
      image: text(user.image),
      locale: text(user.locale),
      twoFactorEnabled: user.twoFactorEnabled === true,
    },
    currentSessionId: text(current.id),
    sessions: rows(sessions.json)
      .map((row) => ({
        id: text(row.id),
        userAgent: text(row.userAgent),
        ipAddress: text(row.ipAddress),
        createdAt: date(row.createdAt),
        updatedAt: date(row.updatedAt),
      }))
      .sort((a, b) => (b.updatedAt?.getTime() ?? 0) - (a.updatedAt?.getTime() ?? 0)),
    accounts: linked,
    hasPassword: linked.some((account) => account.providerId === "credential"),
  };
}
