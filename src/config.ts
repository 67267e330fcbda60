/**
 * The only reader of the environment. Every value is parsed and validated once; a bad value stops start-up
 * with one line naming the variable and what it expects.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export interface Config {
  readonly env: "production" | "development" | "test";
  readonly port: number;
  readonly host: string;
  /** Take the client address from X-Forwarded-For (only behind a proxy that sets it). */
  readonly trustProxy: boolean;
  /** TRUSTED_PROXY_HOPS: proxies in front that append to X-Forwarded-For; the client is that many from the right. */
  readonly trustedProxyHops: number;
  /** CLIENT_ADDRESS_HEADER: a header the proxy sets to the client address (e.g. X-Real-IP), read instead. */
  readonly clientAddressHeader: string | undefined;
  readonly baseUrl: string;
  readonly dataDir: string;
  /** undefined = SQLite file in dataDir; otherwise a postgres:// URL. */
  readonly databaseUrl: string | undefined;
  /** PostgreSQL schema to use (tests use a fresh one per run). */
  readonly databaseSchema: string | undefined;
  /** SQLITE_SYNCHRONOUS: `normal` (WAL commits reach the disk at checkpoints) or `full` (every commit fsyncs). */
  readonly sqliteSynchronous: "normal" | "full";
  readonly redisUrl: string | undefined;
  /** Prefix of every cache key, so several deployments (or test runs) can share one Redis. */
  readonly cachePrefix: string;
  /** Bounds of the in-process cache used without Redis (entries, approximate bytes). */
  readonly cacheMaxEntries: number;
  readonly cacheMaxBytes: number;
  readonly authSecret: string;
  readonly trustedOrigins: readonly string[];
  /**
   * INVITATION_URL: the client app's page that shows and accepts a tenant invitation, `{id}` standing for the
   * invitation id (e.g. `https://app.example.com/invitations/{id}`). undefined = Gatehouse's get-invitation API.
   */
  readonly invitationUrl: string | undefined;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly admin: { readonly email: string; readonly password: string } | undefined;
  readonly logLevel: LogLevel;
  readonly signUpEnabled: boolean;
  /** Have I Been Pwned's range API for new passwords (PWNED_PASSWORDS=true), or undefined when off. */
  readonly pwnedPasswordsUrl: string | undefined;
  readonly requireEmailVerification: boolean;
  readonly rateLimitEnabled: boolean;
  /** Default rate-limit rule per client IP and path, where no stricter rule applies (seconds, requests). */
  readonly rateLimitWindow: number;
  readonly rateLimitMax: number;
  /** Days an audit event is kept (AUDIT_RETENTION_DAYS); 0 keeps every event. */
  readonly auditRetentionDays: number;
  /** Largest request body accepted, in bytes. */
  readonly maxBodyBytes: number;
  readonly sms: SmsConfig | undefined;
  readonly socialProviders: Readonly<Record<string, OAuthClientConfig>>;
  readonly oidcProviders: readonly OidcProviderConfig[];
  /** Where Google's ID-token signing keys are fetched for One Tap (overridable for an egress proxy or tests). */
  readonly googleJwksUrl: string;
  /** Bearer token that may read /health/detailed besides platform admins. */
  readonly healthToken: string | undefined;
  /** METRICS_TOKEN: when set, /metrics and /cache/metrics need this Bearer token or a platform admin. */
  readonly metricsToken: string | undefined;
  /**
   * OIDC_REGISTRATION_TOKEN: the initial access token of dynamic client registration (RFC 7591); undefined =
   * only platform admins register clients there.
   */
  readonly oidcRegistrationToken: string | undefined;
  /** OIDC_KEY_CHECK_SECONDS: how often a node looks for rotated OpenID Provider signing keys (src/http/oidc). */
  readonly oidcKeyCheckSeconds: number;
  readonly defaultLocale: string;
  /** Roles every tenant's catalogue starts with besides owner, admin and user (DEFAULT_TENANT_ROLES). */
  readonly defaultTenantRoles: readonly string[];
  readonly argon2: { readonly memoryCost: number; readonly timeCost: number; readonly parallelism: number };
  /** PASSWORD_HASH_CONCURRENCY, PASSWORD_HASH_QUEUE: hashes at once, and calls waiting beyond them (503 after). */
  readonly passwordHashing: { readonly concurrency: number; readonly queue: number };
  /** MAX_SESSIONS_PER_USER: live sessions one user may hold; the oldest are revoked beyond it. 0 = no cap. */
  readonly maxSessionsPerUser: number;
  /** CLEANUP_INTERVAL_SECONDS: how often expired sessions, verifications and the like are deleted; 0 = never. */
  readonly cleanupIntervalSeconds: number;
  /** SHUTDOWN_GRACE_MS: how long SIGTERM waits for in-flight requests (and mail) before closing connections. */
  readonly shutdownGraceMs: number;
  /** How the hosted pages present the service (APP_NAME, BRAND_LOGO_URL, BRAND_PRIMARY_COLOR). */
  readonly brand: BrandConfig;
}

export interface BrandConfig {
  readonly appName: string;
  /** A path on this host or a data: image URL (the pages' Content-Security-Policy loads nothing else). */
  readonly logoUrl: string | undefined;
  /** `#rgb` or `#rrggbb`. */
  readonly primaryColor: string;
}

export interface SmsConfig {
  /** Base URL of a Twilio-compatible REST API. */
  readonly apiUrl: string;
  readonly accountSid: string;
  readonly authToken: string;
  readonly from: string;
}

export interface OAuthClientConfig {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface OidcProviderConfig extends OAuthClientConfig {
  /** Provider id, used in /sign-in/social {provider} and /callback/{id}. */
  readonly id: string;
  readonly issuer: string;
  readonly scopes: readonly string[];
}

/** Social providers configured by `<NAME>_CLIENT_ID` + `<NAME>_CLIENT_SECRET`. */
export const SOCIAL_PROVIDERS = [
  "google",
  "github",
  "microsoft",
  "apple",
  "facebook",
  "discord",
  "gitlab",
  "linkedin",
  "twitter",
] as const;

export class ConfigError extends Error {
  override name = "ConfigError";
}

type Env = Readonly<Record<string, string | undefined>>;

/** DATA_DIR exists (created if need be), or start-up stops with one line naming it and why. */
function ensureDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason =
      code === "EEXIST" || code === "ENOTDIR"
        ? "it (or a part of its path) is not a directory"
        : code === "EROFS"
          ? "the file system is read-only"
          : code === "EACCES" || code === "EPERM"
            ? "permission denied"
            : String((error as Error).message);
    throw new ConfigError(`DATA_DIR: cannot create ${dataDir}: ${reason}`);
  }
}

const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

function fail(variable: string, expected: string, got: string): never {
  throw new ConfigError(`${variable}: expected ${expected}, got ${JSON.stringify(got)}`);
}

/** A bearer credential that lets its holder register OAuth clients: as long as AUTH_SECRET, so not guessable. */
function registrationToken(env: Env): string | undefined {
  const token = optional(env, "OIDC_REGISTRATION_TOKEN");
  if (token !== undefined && token.length < 32)
    fail("OIDC_REGISTRATION_TOKEN", "at least 32 characters", "<hidden>");
  return token;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(name, `an integer from ${min} to ${max}`, raw);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = optional(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  if (["0", "false", "no", "off"].includes(raw)) return false;
  return fail(name, "true or false", raw);
}

function url(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return fail(name, `a URL (${protocols.join(", ")})`, redactUrl(raw));
  }
  if (!protocols.includes(parsed.protocol)) fail(name, `a URL (${protocols.join(", ")})`, redactUrl(raw));
  return raw;
}

/** Never echo a password from a connection URL into a log or an error. */
function redactUrl(raw: string): string {
  // Up to the last "@": an unencoded password may itself contain "/" or "@". Hiding part of a path is harmless.
  return raw.replace(/\/\/([^:/@]*):.*@/, "//$1:***@");
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The secret signs sessions and tokens. In production it must be given; elsewhere one is generated on the first
 * start and kept in DATA_DIR so that sessions survive a restart.
 */
function authSecret(env: Env, dataDir: string, production: boolean, warn: (message: string) => void): string {
  const given = optional(env, "AUTH_SECRET");
  if (given !== undefined) {
    if (given.length < 32) fail("AUTH_SECRET", "at least 32 characters", "<hidden>");
    return given;
  }
  if (production)
    throw new ConfigError("AUTH_SECRET: required when NODE_ENV=production (32+ random characters)");
  const file = join(dataDir, "auth-secret");
  if (existsSync(file)) {
    const stored = readFileSync(file, "utf8").trim();
    // An empty file (a crash during the first write, a careless edit) must not become an empty signing key.
    if (stored.length < 32) {
      throw new ConfigError(
        `AUTH_SECRET: the secret stored in ${file} is shorter than 32 characters; set AUTH_SECRET or delete the file`,
      );
    }
    return stored;
  }
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  warn(`AUTH_SECRET is not set: generated one and stored it in ${file} (set AUTH_SECRET in production)`);
  return secret;
}

function invitationUrl(env: Env): string | undefined {
  const template = url(env, "INVITATION_URL", ["http:", "https:"]);
  if (template !== undefined && !template.includes("{id}")) {
    fail("INVITATION_URL", "a URL containing {id} (the invitation id)", template);
  }
  return template;
}

function sms(env: Env): SmsConfig | undefined {
  const names = ["SMS_ACCOUNT_SID", "SMS_AUTH_TOKEN", "SMS_FROM"] as const;
  const [accountSid, authToken, from] = names.map((name) => optional(env, name));
  const apiUrl = url(env, "SMS_API_URL", ["http:", "https:"]);
  if (!accountSid && !authToken && !from && !apiUrl) return undefined;
  if (!accountSid || !authToken || !from) {
    throw new ConfigError(`${names.join(", ")}: set all three to send SMS (SMS_API_URL is optional)`);
  }
  return { apiUrl: (apiUrl ?? "https://api.twilio.com").replace(/\/+$/, ""), accountSid, authToken, from };
}

function socialProviders(env: Env): Record<string, OAuthClientConfig> {
  const providers: Record<string, OAuthClientConfig> = {};
  for (const name of SOCIAL_PROVIDERS) {
    const prefix = name.toUpperCase();
    const clientId = optional(env, `${prefix}_CLIENT_ID`);
    const clientSecret = optional(env, `${prefix}_CLIENT_SECRET`);
    if (!clientId && !clientSecret) continue;
    if (!clientId || !clientSecret) {
      throw new ConfigError(
        `${prefix}_CLIENT_ID and ${prefix}_CLIENT_SECRET: set both to enable ${name} sign-in`,
      );
    }
    providers[name] = { clientId, clientSecret };
  }
  return providers;
}

/** `OIDC_PROVIDERS=corp,okta` with `OIDC_CORP_ISSUER`, `OIDC_CORP_CLIENT_ID`, `OIDC_CORP_CLIENT_SECRET`, … */
function oidcProviders(env: Env): OidcProviderConfig[] {
  const ids = (optional(env, "OIDC_PROVIDERS") ?? "")
    .split(",")
    .map((id) => id.trim())
    .filter(Boolean);
  return ids.map((id) => {
    if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(id)) fail("OIDC_PROVIDERS", "comma-separated lower-case ids", id);
    if ((SOCIAL_PROVIDERS as readonly string[]).includes(id))
      fail("OIDC_PROVIDERS", "ids other than built-in providers", id);
    const prefix = `OIDC_${id.toUpperCase().replace(/-/g, "_")}_`;
    const issuer = url(env, `${prefix}ISSUER`, ["http:", "https:"]);
    const clientId = optional(env, `${prefix}CLIENT_ID`);
    const clientSecret = optional(env, `${prefix}CLIENT_SECRET`);
    if (!issuer || !clientId || !clientSecret) {
      throw new ConfigError(
        `${prefix}ISSUER, ${prefix}CLIENT_ID and ${prefix}CLIENT_SECRET: required for provider ${id}`,
      );
    }
    const scopes = (optional(env, `${prefix}SCOPES`) ?? "openid email profile")
      .split(/[\s,]+/)
      .filter(Boolean);
    return { id, issuer: issuer.replace(/\/+$/, ""), clientId, clientSecret, scopes };
  });
}

function tenantRoles(env: Env): string[] {
  const roles = (optional(env, "DEFAULT_TENANT_ROLES") ?? "")
    .split(",")
    .map((role) => role.trim())
    .filter(Boolean);
  for (const role of roles) {
    if (!/^[a-z][a-z0-9_-]{0,63}$/.test(role))
      fail("DEFAULT_TENANT_ROLES", "comma-separated lower-case role names", role);
  }
  return roles;
}

/**
 * The hosted pages' branding. The logo must be served by this host (a root-relative path) or inlined (a data:
 * image URL): the pages' policy is `img-src 'self' data:`, so a remote logo would never load.
 */
function brand(env: Env): BrandConfig {
  const appName = optional(env, "APP_NAME") ?? "Gatehouse";
  if (appName.length > 60) fail("APP_NAME", "at most 60 characters", appName);
  const logoUrl = optional(env, "BRAND_LOGO_URL");
  if (
    logoUrl !== undefined &&
    !/^\/(?!\/)[^\s"'<>\\]*$/.test(logoUrl) &&
    !/^data:image\/(png|jpeg|gif|webp|svg\+xml)[;,][^\s"'<>]*$/.test(logoUrl)
  ) {
    fail("BRAND_LOGO_URL", "a path on this host (/logo.svg) or a data:image/… URL", logoUrl.slice(0, 80));
  }
  const primaryColor = (optional(env, "BRAND_PRIMARY_COLOR") ?? "#1d4ed8").toLowerCase();
  if (!/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/.test(primaryColor)) {
    fail("BRAND_PRIMARY_COLOR", "a hex colour such as #1d4ed8", primaryColor);
  }
  return { appName, logoUrl, primaryColor };
}

function clientAddressHeader(env: Env): string | undefined {
  const name = optional(env, "CLIENT_ADDRESS_HEADER")?.toLowerCase();
  if (name !== undefined && !/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
    fail("CLIENT_ADDRESS_HEADER", "an HTTP header name such as X-Real-IP", name);
  }
  return name;
}

export function loadConfig(env: Env = process.env, warn: (message: string) => void = console.warn): Config {
  const nodeEnv = optional(env, "NODE_ENV") ?? "development";
  if (!["production", "development", "test"].includes(nodeEnv)) {
    fail("NODE_ENV", "production, development or test", nodeEnv);
  }
  const production = nodeEnv === "production";
  const port = integer(env, "PORT", 3000, 0, 65535);
  const baseUrl = (url(env, "BASE_URL", ["http:", "https:"]) ?? `http://localhost:${port}`).replace(
    /\/+$/,
    "",
  );
  const dataDir = resolve(optional(env, "DATA_DIR") ?? "./data");
  ensureDataDir(dataDir);

  const databaseUrl = url(env, "DATABASE_URL", ["postgres:", "postgresql:"]);
  const databaseSchema = optional(env, "DATABASE_SCHEMA");
  if (databaseSchema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(databaseSchema)) {
    fail("DATABASE_SCHEMA", "a lower-case PostgreSQL identifier", databaseSchema);
  }
  const sqliteSynchronous = optional(env, "SQLITE_SYNCHRONOUS")?.toLowerCase() ?? "normal";
  if (sqliteSynchronous !== "normal" && sqliteSynchronous !== "full") {
    fail("SQLITE_SYNCHRONOUS", "normal or full", sqliteSynchronous);
  }

  const adminEmail = optional(env, "ADMIN_EMAIL");
  const adminPassword = optional(env, "ADMIN_PASSWORD");
  if (adminEmail !== undefined && !EMAIL.test(adminEmail))
    fail("ADMIN_EMAIL", "an e-mail address", adminEmail);
  if ((adminEmail === undefined) !== (adminPassword === undefined)) {
    throw new ConfigError("ADMIN_EMAIL and ADMIN_PASSWORD: set both or neither");
  }
  if (adminPassword !== undefined && adminPassword.length < 8) {
    fail("ADMIN_PASSWORD", "at least 8 characters", "<hidden>");
  }

  const mailFrom = optional(env, "MAIL_FROM") ?? "Gatehouse <no-reply@localhost>";
  const logLevel = (optional(env, "LOG_LEVEL") ?? (nodeEnv === "test" ? "silent" : "info")) as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) fail("LOG_LEVEL", LOG_LEVELS.join(", "), logLevel);

  const trustedOrigins = (optional(env, "TRUSTED_ORIGINS") ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of trustedOrigins) {
    // "*" would trust every site with the session cookie (better-auth's origin check, src/http/pipeline/origin-check.ts).
    if (origin === "*") fail("TRUSTED_ORIGINS", "explicit origins or patterns (not *)", origin);
    if (!/^https?:\/\/[^/]+$/.test(origin) && !origin.includes("*")) {
      fail("TRUSTED_ORIGINS", "a comma-separated list of origins such as https://app.example.com", origin);
    }
  }

  return {
    env: nodeEnv as Config["env"],
    port,
    host: optional(env, "HOST") ?? "0.0.0.0",
    trustProxy: boolean(env, "TRUST_PROXY", false),
    // One proxy (nginx, a load balancer) is the usual deployment; 10 is more than any real chain.
    trustedProxyHops: integer(env, "TRUSTED_PROXY_HOPS", 1, 1, 10),
    clientAddressHeader: clientAddressHeader(env),
    baseUrl,
    dataDir,
    databaseUrl,
    databaseSchema,
    sqliteSynchronous,
    redisUrl: url(env, "REDIS_URL", ["redis:", "rediss:"]),
    cachePrefix: optional(env, "CACHE_PREFIX") ?? "gatehouse:",
    // 100k entries / 64 MiB: the sessions and counters of a busy single node, well inside a small container.
    cacheMaxEntries: integer(env, "CACHE_MAX_ENTRIES", 100_000, 100, 10_000_000),
    cacheMaxBytes: integer(env, "CACHE_MAX_BYTES", 64 * 1024 * 1024, 1024 * 1024, 16 * 1024 * 1024 * 1024),
    authSecret: authSecret(env, dataDir, production, warn),
    trustedOrigins,
    invitationUrl: invitationUrl(env),
    smtpUrl: url(env, "SMTP_URL", ["smtp:", "smtps:"]),
    mailFrom,
    admin: adminEmail && adminPassword ? { email: adminEmail, password: adminPassword } : undefined,
    logLevel,
    signUpEnabled: boolean(env, "SIGN_UP_ENABLED", true),
    pwnedPasswordsUrl: boolean(env, "PWNED_PASSWORDS", false)
      ? (url(env, "PWNED_PASSWORDS_URL", ["https:", "http:"]) ?? "https://api.pwnedpasswords.com")
      : undefined,
    requireEmailVerification: boolean(env, "REQUIRE_EMAIL_VERIFICATION", false),
    rateLimitEnabled: boolean(env, "RATE_LIMIT_ENABLED", true),
    // better-auth's defaults: 100 requests per 10 s per IP and path; credential endpoints have stricter rules.
    rateLimitWindow: integer(env, "RATE_LIMIT_WINDOW", 10, 1, 86_400),
    rateLimitMax: integer(env, "RATE_LIMIT_MAX", 100, 1, 1_000_000),
    // A year covers the usual look-back of an incident investigation; 0 keeps the trail forever.
    auditRetentionDays: integer(env, "AUDIT_RETENTION_DAYS", 365, 0, 36_500),
    // 1 MiB is far above any identity payload (the largest, an avatar, is capped at 256 KB) and keeps a flood of
    // large bodies from exhausting memory.
    maxBodyBytes: integer(env, "MAX_BODY_BYTES", 1024 * 1024, 1024, 64 * 1024 * 1024),
    // OWASP's argon2id recommendation: 19 MiB, 2 iterations, 1 lane (~15 ms per hash on this class of machine).
    sms: sms(env),
    socialProviders: socialProviders(env),
    oidcProviders: oidcProviders(env),
    googleJwksUrl:
      url(env, "GOOGLE_JWKS_URL", ["http:", "https:"]) ?? "https://www.googleapis.com/oauth2/v3/certs",
    healthToken: optional(env, "HEALTH_TOKEN"),
    metricsToken: optional(env, "METRICS_TOKEN"),
    oidcRegistrationToken: registrationToken(env),
    defaultLocale: optional(env, "DEFAULT_LOCALE") ?? "en",
    defaultTenantRoles: tenantRoles(env),
    argon2: {
      memoryCost: integer(env, "ARGON2_MEMORY_KIB", 19456, 8192, 1024 * 1024),
      timeCost: integer(env, "ARGON2_ITERATIONS", 2, 1, 16),
      parallelism: integer(env, "ARGON2_PARALLELISM", 1, 1, 16),
    },
    // One hash per core keeps every core busy; more only holds more memory (19 MiB each at the default cost).
    // 64 waiting is ~0.5 s of work on 2 cores at the default cost: a longer queue only answers later.
    passwordHashing: {
      concurrency: integer(env, "PASSWORD_HASH_CONCURRENCY", availableParallelism(), 1, 1024),
      queue: integer(env, "PASSWORD_HASH_QUEUE", 64, 0, 100_000),
    },
    // 100 covers every device and browser a person uses, with room for apps; a script signing in over and over
    // revokes its own oldest sessions instead of piling them up (src/auth/session-cap.ts).
    maxSessionsPerUser: integer(env, "MAX_SESSIONS_PER_USER", 100, 0, 100_000),
    // Five minutes: expired rows never count as live anyway, so this only bounds how long they take up room.
    cleanupIntervalSeconds: integer(env, "CLEANUP_INTERVAL_SECONDS", 300, 0, 86_400),
    // 5 s lets an ordinary request (and a mail being handed to SMTP) finish, and stays well inside the 10 s or
    // 30 s an orchestrator waits between SIGTERM and SIGKILL.
    shutdownGraceMs: integer(env, "SHUTDOWN_GRACE_MS", 5000, 0, 600_000),
    // 10 s: a rotated key reaches every node's JWKS that soon, for one indexed read per node per interval.
    oidcKeyCheckSeconds: integer(env, "OIDC_KEY_CHECK_SECONDS", 10, 1, 3600),
    brand: brand(env),
  };
}

export { redactUrl };
