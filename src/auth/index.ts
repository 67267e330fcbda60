/**
 * createAuth(deps): the better-auth instance with Gatehouse's options, plugins and hooks. It shares the app's
 * Kysely instance, cache (as secondary storage), password hasher and mailer.
 */
import { betterAuth } from "better-auth";
import { recipientLocale } from "../i18n/negotiate.ts";
import { renderLinkMail } from "../i18n/templates.ts";
import { createRateLimitStore } from "../platform/cache/rate-limit-store.ts";
import { CLIENT_IP_HEADER } from "../platform/client-ip.ts";
import type { Mailer } from "../platform/mail/index.ts";
import { isServerBusy } from "../platform/password/index.ts";
import { createPwnedCheck } from "../platform/password/pwned.ts";
import type { SmsMessage } from "../platform/sms/index.ts";
import { PASSWORD_MAX, PASSWORD_MIN } from "./account-rules.ts";
import { authEventLog } from "./auth-log.ts";
import { newestLinksPlugin, rememberNewestLink, rememberNewestResetLink } from "./brute-force-links.ts";
import { bruteForcePlugin } from "./brute-force-plugin.ts";
import type { AuthDeps } from "./deps.ts";
import { credentialHooks, rehashAfterSignIn, requireObjectBody, verifyNotingOutdated } from "./hooks.ts";
import { inputRules } from "./input-rules.ts";
import { guardedDatabase, lastHolderCodesPlugin } from "./last-owner-guard.ts";
import { defaultMembershipPlugin } from "./membership-hook.ts";
import { passwordRules } from "./password-rules.ts";
import { accountEndedPlugin } from "./plugins/account-ended.ts";
import { plugins } from "./plugins/index.ts";
import { singleUsePlugin } from "./plugins/single-use.ts";
import { CREDENTIAL_RULES } from "./rate-limits.ts";
import { routedOnce } from "./routed-once.ts";
import { sessionCapPlugin } from "./session-cap.ts";

/**
 * Where a mailed link lands when the caller named no page of its own: better-auth's link verifies the token and
 * then redirects to its callbackURL (with `?token=` for a reset, `?error=` on failure), which without one is
 * `/` for a verification and nothing for a reset. Those become the hosted pages (src/http/pages/), so a person
 * who follows the link sees the outcome; a callbackURL the caller gave is kept.
 */
function landOnPage(url: string, page: string): string {
  const link = new URL(url);
  const callback = link.searchParams.get("callbackURL");
  if (callback === null || callback === "" || callback === "/") link.searchParams.set("callbackURL", page);
  return link.toString();
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function createAuth(deps: AuthDeps) {
  const { config, db, cache, passwords, mailer, sms, logger } = deps;

  /** Mail is sent after the response so that its latency cannot reveal whether an account exists. */
  function sendLater(message: Parameters<Mailer["send"]>[0]): Promise<void> {
    mailer
      .send(message)
      .catch((error: unknown) => logger.error({ err: error, to: message.to }, "mail failed"));
    return Promise.resolve();
  }
  /** Mails go out in the recipient's saved locale, else the triggering request's, else DEFAULT_LOCALE. */
  const localeFor = (user: object, request: Request | undefined) =>
    recipientLocale(user, request, config.defaultLocale);
  function sendSmsLater(message: SmsMessage): Promise<void> {
    sms.send(message).catch((error: unknown) => logger.error({ err: error, to: message.to }, "sms failed"));
    return Promise.resolve();
  }

  const auth = betterAuth({
    appName: "Gatehouse",
    baseURL: config.baseUrl,
    basePath: "/api/auth",
    secret: config.authSecret,
    trustedOrigins: [config.baseUrl, ...config.trustedOrigins],
    // Multi-row writes (sign-up's user and password account, create-user, invitations) commit together or not at
    // all: without `transaction`, better-auth ran them as separate statements, and a crash between them left an
    // account without its password. Every query made inside reaches the same transaction through db.kysely
    // (src/platform/db/transaction-scope.ts); on SQLite any other would wait for the one connection forever.
    // The adapter also carries the last-owner / last-admin guard on member and user writes
    // (src/auth/last-owner-guard.ts).
    database: guardedDatabase(db, { transaction: true }),
    secondaryStorage: cache,
    logger: {
      level: config.logLevel === "silent" ? "error" : "warn",
      disabled: config.logLevel === "silent",
      // The hashing gate's refusal (server_busy) is load shed on purpose, answered 503 by the surface: a flood
      // of them must not become a flood of error lines with stacks.
      log: (level, message, ...args) => {
        if (!args.some(isServerBusy)) logger[level]({ args }, message);
      },
    },
    emailAndPassword: {
      enabled: true,
      disableSignUp: !config.signUpEnabled,
      requireEmailVerification: config.requireEmailVerification,
      minPasswordLength: PASSWORD_MIN,
      // The rule counts code points (src/auth/input-rules.ts); better-auth counts UTF-16 units, up to two per
      // code point, so its own bound must not refuse what the rule allows.
      maxPasswordLength: PASSWORD_MAX * 2,
      revokeSessionsOnPasswordReset: true,
      // A reset link is a credential: keep it short-lived.
      resetPasswordTokenExpiresIn: HOUR,
      password: {
        hash: passwords.hash,
        verify: verifyNotingOutdated(deps),
      },
      async sendResetPassword({ user, url, token }, request) {
        await rememberNewestResetLink(user.id, token);
        return sendLater(
          renderLinkMail("reset-password", user.email, landOnPage(url, "/reset-password"), {
            locale: localeFor(user, request),
          }),
        );
      },
    },
    emailVerification: {
      sendOnSignUp: true,
      sendOnSignIn: config.requireEmailVerification,
      autoSignInAfterVerification: true,
      expiresIn: DAY,
      async sendVerificationEmail({ user, url, token }, request) {
        await rememberNewestLink(token);
        return sendLater(
          renderLinkMail("verify-email", user.email, landOnPage(url, "/verify-email"), {
            locale: localeFor(user, request),
          }),
        );
      },
    },
    user: {
      additionalFields: {
        status: { type: "string", required: false, defaultValue: "active", input: false },
        lastLoginAt: { type: "date", required: false, input: false },
        locale: { type: "string", required: false },
        // How the user signs in: "local" (password), "oidc" (created through an external identity provider:
        // src/auth/plugins/auth-provider.ts) or "saml".
        authProvider: { type: "string", required: false, defaultValue: "local", input: false },
      },
      changeEmail: {
        enabled: true,
        async sendChangeEmailConfirmation({ user, url, token }, request) {
          await rememberNewestLink(token);
          return sendLater(
            renderLinkMail("change-email", user.email, landOnPage(url, "/verify-email"), {
              locale: localeFor(user, request),
            }),
          );
        },
      },
      deleteUser: {
        enabled: true,
        deleteTokenExpiresIn: HOUR,
        // The link opens the page that confirms the deletion (src/http/pages/account/links.ts), not the API's
        // callback, which answers JSON and deletes only with the account's own session. An API client that
        // named its own callbackURL keeps better-auth's link, which redirects there (the seed 000 contract).
        sendDeleteAccountVerification: ({ user, url, token }, request) => {
          const callback = new URL(url).searchParams.get("callbackURL");
          const ownCallback = callback !== null && !["", "/", "/account/deleted"].includes(callback);
          const page = new URL("/account/confirm-delete", config.baseUrl);
          page.searchParams.set("token", token);
          const link = ownCallback ? url : page.toString();
          return sendLater(
            renderLinkMail("delete-account", user.email, link, { locale: localeFor(user, request) }),
          );
        },
      },
    },
    session: {
      expiresIn: 7 * DAY,
      updateAge: DAY,
      // The database stays the source of truth: sessions survive a cache flush and a restart of the
      // in-memory cache, and admins can list them.
      storeSessionInDatabase: true,
    },
    verification: {
      storeInDatabase: true,
      // A reset link is a credential kept as a verification row: store only its SHA-256, so a reader of the
      // database or of Redis cannot use a live one. better-auth hashes on every look-up (findVerificationValue).
      storeIdentifier: { default: "plain", overrides: { "reset-password:": "hashed" } },
      // better-auth would otherwise delete every expired verification in one unbatched statement inside a
      // request (a look-up, once a minute); the scheduled pass of src/platform/db/cleanup.ts does it in batches.
      disableCleanup: true,
    },
    account: {
      accountLinking: { enabled: true, trustedProviders: ["email-password"] },
    },
    rateLimit: {
      enabled: config.rateLimitEnabled,
      window: config.rateLimitWindow,
      max: config.rateLimitMax,
      // Counters in the cache (shared by every node with Redis), the same store and key scheme as the limiter
      // of Gatehouse's own routes; credential endpoints get stricter rules (src/auth/rate-limits.ts).
      customStorage: createRateLimitStore(cache),
      customRules: { ...CREDENTIAL_RULES },
    },
    advanced: {
      cookiePrefix: "gatehouse",
      // UUIDs (as text) rather than better-auth's random strings: the contracts (seeds 001, 002) promise uuid ids.
      database: { generateId: () => crypto.randomUUID() },
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      useSecureCookies: config.baseUrl.startsWith("https://"),
    },
    databaseHooks: credentialHooks(deps),
    hooks: { before: requireObjectBody, after: rehashAfterSignIn(deps) },
    socialProviders: Object.fromEntries(
      Object.entries(config.socialProviders).map(([name, client]) => [name, { ...client }]),
    ),
    // Plugins' before-hooks run in this order: the input rules first, since some plugins read the body
    // unchecked; the password rules after the plugins, once the bearer plugin has made the session readable.
    plugins: [
      inputRules(),
      // Before the plugins that wrap the adapter's reads (suspended memberships): it only wraps `create`.
      defaultMembershipPlugin(deps),
      ...plugins({
        config,
        sendMail: sendLater,
        sendSms: sendSmsLater,
        canActInTenant: deps.canActInTenant,
        recordAudit: deps.recordAudit,
        db,
      }),
      passwordRules(
        config.pwnedPasswordsUrl ? { pwned: createPwnedCheck(config.pwnedPasswordsUrl, logger) } : {},
      ),
      authEventLog(logger),
      newestLinksPlugin(),
      // After newestLinksPlugin: a superseded link is refused before it could be reserved.
      singleUsePlugin(),
      lastHolderCodesPlugin(),
      ...(deps.onAccountEnded ? [accountEndedPlugin(deps.onAccountEnded)] : []),
      sessionCapPlugin({
        maxSessions: config.maxSessionsPerUser,
        db,
        logger,
        recordAudit: deps.recordAudit,
      }),
      // Last, so that its after-hook sees the two-factor plugin's answer (a pending second factor).
      ...(config.rateLimitEnabled ? [bruteForcePlugin({ cache })] : []),
    ],
  });
  // Its router built once rather than for every request (./routed-once.ts).
  const handler = routedOnce(auth);
  return Object.assign(auth, { handler, fetch: handler });
}

export type Auth = ReturnType<typeof createAuth>;
