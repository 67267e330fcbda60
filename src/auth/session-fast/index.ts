/**
 * Session checks at the speed of one read of the shared store, with better-auth's answer unchanged.
 *
 * better-auth 1.7.25 answers `GET /api/auth/get-session` through its endpoint machinery (router, every
 * plugin's before and after hooks, the bearer plugin re-writing the headers, cookie parsing, two HMACs): about
 * 1.5 ms of a 2 ms request here, for what is one read of the store. This module does that read itself for the
 * common case and gives the caller what better-auth would have answered; everything else goes to better-auth
 * (`undefined`). What was checked in better-auth's sources so that the common case answers the same:
 * - get-session (node_modules/better-auth/dist/api/routes/session.mjs): a GET without query parameters
 *   (`disableCookieCache`, `disableRefresh` and the input rules' query checks stay better-auth's); cookie cache
 *   off here (session.cookieCache unset, so a `session_data` cookie only gets a clearing Set-Cookie: left to
 *   better-auth); deferSessionRefresh and disableSessionRefresh unset; a live session that needs no refresh, or
 *   one of a dontRememberMe sign-in, is answered `{session, user}` with `cache-control: no-store` and
 *   `pragma: no-cache` and no cookie.
 * - the store read: lookup.ts (findSession, the revocation marker, expiry, the refresh rule).
 * - hooks matching /get-session: the bearer plugin's before hook (credential.ts) and after hook (only with a
 *   Set-Cookie, which this case never has); the JWT plugin's header is switched off (src/auth/plugins/index.ts
 *   disableSettingJwtHeader); Gatehouse's own before hooks (input rules, object body) only read a body or a
 *   query, which this case has none of; the after hooks (auth log, audit, brute force, admin, session
 *   hygiene, two factor, username) match other paths.
 * - rate limiting: better-auth counts get-session against the default per-address rule when it is on; the
 *   same counter is taken here (same store, key and rule), and a refused request goes to better-auth for its 429.
 */
import { createRateLimitKey, getIP } from "@better-auth/core/utils/ip";
import type { Auth } from "../index.ts";
import { createCredentialReader } from "./credential.ts";
import { createSessionLookup, type LiveSession } from "./lookup.ts";

export type { LiveSession } from "./lookup.ts";

const GET_SESSION = "/get-session";
/** better-auth's headers of a get-session answer without a cookie; one object, so a caller may build on it once. */
const ANSWER_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "cache-control": "no-store",
  "content-type": "application/json",
  pragma: "no-cache",
});

/** What better-auth's get-session would answer, for the caller to render. */
export type SessionAnswer =
  | {
      readonly body: { session: LiveSession["session"]; user: LiveSession["user"] };
      readonly headers: Readonly<Record<string, string>>;
      /** Kept with the stored value the answer comes from (lookup.ts): e.g. its rendered text. */
      readonly derived: LiveSession["derived"];
    }
  | {
      /** No credential at all: better-auth's `null`. */
      readonly body: null;
      readonly headers: Readonly<Record<string, string>>;
      readonly derived: null;
    };

interface RateLimitContext {
  readonly enabled: boolean;
  readonly window: number;
  readonly max: number;
  readonly customRules?: Record<string, unknown>;
}

interface ConsumingStore {
  consume(key: string, rule: { window: number; max: number }): Promise<{ allowed: boolean }>;
}

/** Whether a rule path (`*` a wildcard, read as broadly as can be) covers `path`. */
function coveredBy(pattern: string, path: string): boolean {
  const source = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*+/g, ".*");
  return new RegExp(`^${source}$`).test(path);
}

export function createFastSessions(auth: Auth) {
  const ready = auth.$context.then((context) => {
    const readCredential = createCredentialReader(context.secret, {
      sessionToken: context.authCookies.sessionToken.name,
      dontRemember: context.authCookies.dontRememberToken.name,
      sessionData: context.authCookies.sessionData.name,
    });
    const storage = context.options.secondaryStorage;
    const findLiveSession = storage
      ? createSessionLookup({
          options: context.options,
          secondaryStorage: storage,
          sessionConfig: context.sessionConfig,
        })
      : undefined;
    const options = context.options;
    const rateLimit = context.rateLimit as unknown as RateLimitContext;
    const rateLimitStore = options.rateLimit?.customStorage as unknown as ConsumingStore | undefined;
    // A rule of its own for /get-session (a plugin's or a custom one): better-auth resolves it, not this.
    const ownRule =
      Object.keys(rateLimit.customRules ?? {}).some((path) => coveredBy(path, GET_SESSION)) ||
      (options.plugins ?? []).some((plugin) =>
        (plugin as { rateLimit?: { pathMatcher(path: string): boolean }[] }).rateLimit?.some((rule) =>
          rule.pathMatcher(GET_SESSION),
        ),
      );
    const sessionOptions = options.session as
      | {
          cookieCache?: { enabled?: boolean };
          deferSessionRefresh?: boolean;
          disableSessionRefresh?: boolean;
        }
      | undefined;
    const usable =
      findLiveSession !== undefined &&
      sessionOptions?.cookieCache?.enabled !== true &&
      !sessionOptions?.deferSessionRefresh &&
      !sessionOptions?.disableSessionRefresh &&
      (!rateLimit.enabled || (rateLimitStore?.consume !== undefined && !ownRule));
    return { readCredential, findLiveSession, usable, options, rateLimit, rateLimitStore };
  });

  /** The live session a request's cookie or session bearer names; undefined: ask better-auth. */
  async function sessionOf(headers: Headers): Promise<LiveSession | null | undefined> {
    if (fast.bypass) return undefined;
    const { readCredential, findLiveSession, usable } = await ready;
    if (!usable || !findLiveSession) return undefined;
    const credential = await readCredential(headers);
    if (credential === null) return null;
    if (credential === undefined) return undefined;
    const live = await findLiveSession(credential.token);
    if (live === "fallback" || (live.needsRefresh && !credential.dontRememberMe)) return undefined;
    return live;
  }

  /** better-auth's answer to `request` (GET /api/auth/get-session) when it is the common case. */
  async function getSession(request: Request): Promise<SessionAnswer | undefined> {
    if (request.method !== "GET" || request.url.includes("?")) return undefined;
    const live = await sessionOf(request.headers);
    if (live === undefined) return undefined;
    const { rateLimit, rateLimitStore, options } = await ready;
    if (rateLimit.enabled && rateLimitStore) {
      const key = createRateLimitKey(getIP(request, options) ?? "no-trusted-ip", GET_SESSION);
      const { allowed } = await rateLimitStore.consume(key, { window: rateLimit.window, max: rateLimit.max });
      if (!allowed) return undefined;
    }
    // No credential at all (no session cookie, no Authorization): better-auth answers `null` and writes nothing
    // (session.mjs: no session token). The check of every page an anonymous visitor loads, and as costly through
    // better-auth as a signed-in one was, so a flood of them would be the cheapest way to load the server.
    if (live === null) return { body: null, headers: ANSWER_HEADERS, derived: null };
    return {
      body: { session: live.session, user: live.user },
      headers: ANSWER_HEADERS,
      derived: live.derived,
    };
  }

  const fast = {
    getSession,
    sessionOf,
    /** Every request to better-auth (the tests that compare this module's answers with better-auth's own). */
    bypass: false,
  };
  return fast;
}

export type FastSessions = ReturnType<typeof createFastSessions>;

const instances = new WeakMap<Auth, FastSessions>();

/**
 * The one FastSessions of an auth instance, shared by the get-session route (src/http/better-auth/routes.ts) and
 * the principal resolver (src/auth/principal.ts) without wiring through the app: it holds only what is derived
 * from the auth instance (the HMAC key, the verified cookie values), never a session.
 */
export function fastSessionsOf(auth: Auth): FastSessions {
  let fast = instances.get(auth);
  if (!fast) {
    fast = createFastSessions(auth);
    instances.set(auth, fast);
  }
  return fast;
}
