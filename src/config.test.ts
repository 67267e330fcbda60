import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ConfigError, loadConfig } from "./config.ts";

const SECRET = "a-secret-of-at-least-32-characters-0123";
let dataDir = "";

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), "gatehouse-config-"));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** loadConfig on a temp DATA_DIR and a fixed secret, so that no test writes into the working tree. */
function load(env: Record<string, string>, warn: (message: string) => void = () => {}) {
  return loadConfig({ DATA_DIR: dataDir, AUTH_SECRET: SECRET, ...env }, warn);
}

/** The ConfigError loadConfig throws for env (fails the test when it throws nothing or something else). */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env, () => {});
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("loadConfig defaults", () => {
  it("serves SQLite on port 3000 with nothing but a secret configured", () => {
    const config = load({});
    expect(config).toMatchObject({
      env: "development",
      port: 3000,
      host: "0.0.0.0",
      baseUrl: "http://localhost:3000",
      dataDir,
      databaseUrl: undefined,
      databaseSchema: undefined,
      redisUrl: undefined,
      cachePrefix: "gatehouse:",
      authSecret: SECRET,
      trustedOrigins: [],
      smtpUrl: undefined,
      admin: undefined,
      logLevel: "info",
      trustProxy: false,
      signUpEnabled: true,
      requireEmailVerification: false,
      rateLimitEnabled: true,
      maxBodyBytes: 1024 * 1024,
      sms: undefined,
      socialProviders: {},
      oidcProviders: [],
      defaultLocale: "en",
      argon2: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
    });
    expect(config.mailFrom).toContain("@");
  });

  it("keeps its data in ./data when DATA_DIR is unset", () => {
    const cwd = process.cwd();
    process.chdir(dataDir);
    try {
      expect(loadConfig({ AUTH_SECRET: SECRET }, () => {}).dataDir).toBe(resolve(dataDir, "data"));
      expect(existsSync(join(dataDir, "data"))).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });

  it("is silent under NODE_ENV=test and derives BASE_URL from PORT", () => {
    const config = load({ NODE_ENV: "test", PORT: "8080" });
    expect(config.logLevel).toBe("silent");
    expect(config.baseUrl).toBe("http://localhost:8080");
  });
});

describe("loadConfig with every value set", () => {
  it("parses and normalises them", () => {
    const config = load({
      NODE_ENV: "production",
      PORT: "8080",
      BASE_URL: "https://id.example.com/",
      DATABASE_URL: "postgres://gatehouse:pw@db:5432/gatehouse",
      DATABASE_SCHEMA: "tenant_a",
      REDIS_URL: "redis://cache:6379",
      TRUSTED_ORIGINS: "https://app.example.com, https://admin.example.com",
      SMTP_URL: "smtp://mail:25",
      MAIL_FROM: "Gatehouse <id@example.com>",
      ADMIN_EMAIL: "root@example.com",
      ADMIN_PASSWORD: "root-password",
      LOG_LEVEL: "debug",
      SMS_ACCOUNT_SID: "AC1",
      SMS_AUTH_TOKEN: "token",
      SMS_FROM: "+15550000000",
      GOOGLE_CLIENT_ID: "google-id",
      GOOGLE_CLIENT_SECRET: "google-secret",
      OIDC_PROVIDERS: "corp",
      OIDC_CORP_ISSUER: "https://sso.corp.example/",
      OIDC_CORP_CLIENT_ID: "corp-id",
      OIDC_CORP_CLIENT_SECRET: "corp-secret",
    });
    expect(config).toMatchObject({
      env: "production",
      port: 8080,
      baseUrl: "https://id.example.com",
      databaseUrl: "postgres://gatehouse:pw@db:5432/gatehouse",
      databaseSchema: "tenant_a",
      redisUrl: "redis://cache:6379",
      trustedOrigins: ["https://app.example.com", "https://admin.example.com"],
      smtpUrl: "smtp://mail:25",
      mailFrom: "Gatehouse <id@example.com>",
      admin: { email: "root@example.com", password: "root-password" },
      logLevel: "debug",
      sms: { apiUrl: "https://api.twilio.com", accountSid: "AC1", authToken: "token", from: "+15550000000" },
      socialProviders: { google: { clientId: "google-id", clientSecret: "google-secret" } },
      oidcProviders: [
        {
          id: "corp",
          issuer: "https://sso.corp.example",
          clientId: "corp-id",
          clientSecret: "corp-secret",
          scopes: ["openid", "email", "profile"],
        },
      ],
    });
  });
});

describe("loadConfig refuses malformed values", () => {
  const base = { AUTH_SECRET: SECRET };
  const cases: [label: string, env: Record<string, string>, names: string[]][] = [
    ["PORT=abc", { PORT: "abc" }, ["PORT"]],
    ["PORT out of range", { PORT: "70000" }, ["PORT"]],
    ["NODE_ENV=staging", { NODE_ENV: "staging" }, ["NODE_ENV"]],
    ["BASE_URL without http(s)", { BASE_URL: "ftp://id.example.com" }, ["BASE_URL"]],
    ["DATABASE_URL=mysql://…", { DATABASE_URL: "mysql://gatehouse@db/gatehouse" }, ["DATABASE_URL"]],
    ["DATABASE_URL not a URL", { DATABASE_URL: "gatehouse.sqlite" }, ["DATABASE_URL"]],
    ["DATABASE_SCHEMA with a quote", { DATABASE_SCHEMA: 'x"; drop' }, ["DATABASE_SCHEMA"]],
    ["SQLITE_SYNCHRONOUS=off", { SQLITE_SYNCHRONOUS: "off" }, ["SQLITE_SYNCHRONOUS"]],
    ["REDIS_URL=foo", { REDIS_URL: "foo" }, ["REDIS_URL"]],
    ["REDIS_URL=http://…", { REDIS_URL: "http://cache:6379" }, ["REDIS_URL"]],
    ["SMTP_URL=http://…", { SMTP_URL: "http://mail" }, ["SMTP_URL"]],
    ["LOG_LEVEL=loud", { LOG_LEVEL: "loud" }, ["LOG_LEVEL"]],
    ["ADMIN_EMAIL without ADMIN_PASSWORD", { ADMIN_EMAIL: "root@example.com" }, ["ADMIN_PASSWORD"]],
    ["ADMIN_PASSWORD without ADMIN_EMAIL", { ADMIN_PASSWORD: "root-password" }, ["ADMIN_EMAIL"]],
    ["ADMIN_EMAIL not an e-mail", { ADMIN_EMAIL: "root", ADMIN_PASSWORD: "root-password" }, ["ADMIN_EMAIL"]],
    [
      "short ADMIN_PASSWORD",
      { ADMIN_EMAIL: "root@example.com", ADMIN_PASSWORD: "short" },
      ["ADMIN_PASSWORD"],
    ],
    ["short AUTH_SECRET", { AUTH_SECRET: "too-short" }, ["AUTH_SECRET"]],
    [
      "TRUSTED_ORIGINS with a path",
      { TRUSTED_ORIGINS: "https://app.example.com/login" },
      ["TRUSTED_ORIGINS"],
    ],
    ["SIGN_UP_ENABLED=maybe", { SIGN_UP_ENABLED: "maybe" }, ["SIGN_UP_ENABLED"]],
    ["half-set SMS_*", { SMS_ACCOUNT_SID: "AC1", SMS_FROM: "+15550000000" }, ["SMS_AUTH_TOKEN"]],
    [
      "SMS_API_URL alone",
      { SMS_API_URL: "http://127.0.0.1:9" },
      ["SMS_ACCOUNT_SID", "SMS_AUTH_TOKEN", "SMS_FROM"],
    ],
    ["GOOGLE_CLIENT_ID without secret", { GOOGLE_CLIENT_ID: "google-id" }, ["GOOGLE_CLIENT_SECRET"]],
    ["GITHUB_CLIENT_SECRET without id", { GITHUB_CLIENT_SECRET: "s" }, ["GITHUB_CLIENT_ID"]],
    [
      "OIDC_PROVIDERS=corp without its variables",
      { OIDC_PROVIDERS: "corp" },
      ["OIDC_CORP_ISSUER", "OIDC_CORP_CLIENT_ID", "OIDC_CORP_CLIENT_SECRET"],
    ],
    [
      "OIDC_PROVIDERS=corp with a bad issuer",
      {
        OIDC_PROVIDERS: "corp",
        OIDC_CORP_ISSUER: "corp",
        OIDC_CORP_CLIENT_ID: "id",
        OIDC_CORP_CLIENT_SECRET: "s",
      },
      ["OIDC_CORP_ISSUER"],
    ],
    ["OIDC_PROVIDERS with a bad id", { OIDC_PROVIDERS: "Corp_SSO" }, ["OIDC_PROVIDERS"]],
    ["OIDC_PROVIDERS naming a built-in provider", { OIDC_PROVIDERS: "google" }, ["OIDC_PROVIDERS"]],
    ["ARGON2_MEMORY_KIB below OWASP's floor", { ARGON2_MEMORY_KIB: "1024" }, ["ARGON2_MEMORY_KIB"]],
  ];

  for (const [label, env, names] of cases) {
    it(`throws a one-line ConfigError naming the variable for ${label}`, () => {
      const error = configError({ ...base, DATA_DIR: dataDir, ...env });
      for (const name of names) expect(error.message).toContain(name);
      expect(error.message).not.toContain("\n");
    });
  }

  it("requires AUTH_SECRET when NODE_ENV=production, even with a generated one on disk", () => {
    loadConfig({ DATA_DIR: dataDir }, () => {}); // leaves a generated secret behind
    const error = configError({ NODE_ENV: "production", DATA_DIR: dataDir });
    expect(error.message).toStartWith("AUTH_SECRET");
  });

  it("never repeats a short AUTH_SECRET in its message", () => {
    expect(configError({ DATA_DIR: dataDir, AUTH_SECRET: "hunter2-secret" }).message).not.toContain(
      "hunter2",
    );
  });

  it("never repeats the password of a refused connection URL", () => {
    const urls: [string, string][] = [
      ["DATABASE_URL", "mysql://gatehouse:s3cret-pw@db/gatehouse"],
      ["DATABASE_URL", "postgres://gatehouse:s3cret-pw@db:not-a-port/gatehouse"],
      ["DATABASE_URL", "mysql://gatehouse:s3cret/pw@db/gatehouse"],
      ["DATABASE_URL", "mysql://gatehouse:s3cret@pw@db/gatehouse"],
      ["DATABASE_URL", "mysql://:s3cret-pw@db/gatehouse"],
      ["REDIS_URL", "http://:s3cret-pw@cache:6379"],
      ["SMTP_URL", "http://mailer:s3cret-pw@mail"],
    ];
    for (const [name, value] of urls) {
      const error = configError({ ...base, DATA_DIR: dataDir, [name]: value });
      expect(error.message).toContain(name);
      expect(error.message).not.toContain("s3cret");
    }
  });
});

describe("generated AUTH_SECRET", () => {
  it("is written once to DATA_DIR and reused on the next load", () => {
    const dir = mkdtempSync(join(tmpdir(), "gatehouse-secret-"));
    try {
      const warnings: string[] = [];
      const first = loadConfig({ DATA_DIR: dir }, (message) => warnings.push(message));
      const file = join(dir, "auth-secret");
      expect(first.authSecret.length).toBeGreaterThanOrEqual(32);
      expect(readFileSync(file, "utf8").trim()).toBe(first.authSecret);
      // Only the owner may read a signing secret.
      expect(statSync(file).mode & 0o077).toBe(0);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain("AUTH_SECRET");

      const second = loadConfig({ DATA_DIR: dir }, (message) => warnings.push(message));
      expect(second.authSecret).toBe(first.authSecret);
      expect(warnings).toHaveLength(1);

      // A given AUTH_SECRET wins over the stored one and leaves the file alone.
      expect(loadConfig({ DATA_DIR: dir, AUTH_SECRET: SECRET }, () => {}).authSecret).toBe(SECRET);
      expect(readFileSync(file, "utf8").trim()).toBe(first.authSecret);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a stored secret that is empty or too short instead of signing with it", () => {
    const dir = mkdtempSync(join(tmpdir(), "gatehouse-secret-"));
    try {
      writeFileSync(join(dir, "auth-secret"), "\n");
      const error = configError({ DATA_DIR: dir });
      expect(error.message).toContain("AUTH_SECRET");
      expect(error.message).toContain("auth-secret");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
