/**
 * createTestApp(): the real app on a real database — a SQLite file in a fresh temp dir, or, when
 * TEST_DATABASE_URL is set, a fresh PostgreSQL schema (and a fresh Redis key prefix with TEST_REDIS_URL) — with
 * a real SMTP peer on loopback. `listen()` serves it on a free port for clients that need a real server.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type App, createApp } from "../../src/app.ts";
import { type Config, loadConfig } from "../../src/config.ts";
import { createDeps, type Deps } from "../../src/deps.ts";
import { CLIENT_IP_HEADER } from "../../src/platform/client-ip.ts";
import type { Logger } from "../../src/platform/logger.ts";
import { serve } from "../../src/server.ts";
import { type SmsPeer, startSmsPeer } from "./sms-peer.ts";
import { type SmtpPeer, startSmtpPeer } from "./smtp-peer.ts";

export const ADMIN = { email: "admin@gatehouse.test", password: "admin-password-1" } as const;

export interface TestApp {
  readonly app: App;
  readonly deps: Deps;
  readonly config: Config;
  readonly smtp: SmtpPeer;
  /** The Twilio-compatible SMS API peer (only with `sms: true`). */
  readonly sms?: SmsPeer;
  /** Base URL of the running server (after listen()). */
  readonly baseUrl: string;
  /** In-process request; `path` is relative to the app root. */
  request(
    path: string,
    init?: RequestInit & { json?: unknown; token?: string; ip?: string },
  ): Promise<Response>;
  /** Signs in and returns the session token (usable as a Bearer token). */
  signIn(email: string, password: string): Promise<string>;
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  readonly env?: Record<string, string>;
  /** Keep using this data dir / schema (for restart tests). */
  readonly reuse?: { dataDir: string; schema?: string };
  /** Start an SMS API peer and send SMS through it (otherwise SMS go to the outbox). */
  readonly sms?: boolean;
  /** Log here instead of the silent default (tests that check what is logged). */
  readonly logger?: Logger;
  /**
   * Environment that depends on the chosen BASE_URL, merged over `env` before the app is built (e.g. an OIDC
   * peer started with Gatehouse's redirect_uri).
   */
  readonly envFor?: (baseUrl: string) => Promise<Record<string, string>> | Record<string, string>;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const smtp = await startSmtpPeer();
  const sms = options.sms ? await startSmsPeer() : undefined;
  const dataDir = options.reuse?.dataDir ?? mkdtempSync(join(tmpdir(), "gatehouse-test-"));
  const pgUrl = process.env.TEST_DATABASE_URL;
  const schema = pgUrl ? (options.reuse?.schema ?? `t_${randomBytes(6).toString("hex")}`) : undefined;
  const env: Record<string, string> = {
    NODE_ENV: "test",
    DATA_DIR: dataDir,
    AUTH_SECRET: "test-secret-test-secret-test-secret-0123",
    SMTP_URL: `${smtp.url}/?ignoreTLS=true`,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    // The cheapest argon2id parameters: tests exercise behaviour, bench/ measures cost.
    ARGON2_MEMORY_KIB: "8192",
    ARGON2_ITERATIONS: "1",
    // Tests sign in far more often than a person; rate-limit tests switch the limiter back on.
    RATE_LIMIT_ENABLED: "false",
    ...(pgUrl && schema ? { DATABASE_URL: pgUrl, DATABASE_SCHEMA: schema } : {}),
    ...(process.env.TEST_REDIS_URL
      ? { REDIS_URL: process.env.TEST_REDIS_URL, CACHE_PREFIX: `test:${randomBytes(6).toString("hex")}:` }
      : {}),
    ...(sms
      ? {
          SMS_API_URL: sms.url,
          SMS_ACCOUNT_SID: sms.accountSid,
          SMS_AUTH_TOKEN: sms.authToken,
          SMS_FROM: "+15005550006",
        }
      : {}),
    ...options.env,
  };
  let port = 0;
  let baseUrl = "";
  let server: ReturnType<typeof serve> | undefined;
  // BASE_URL must be known before the app is built (links in mails), so pick the port first.
  if (!env.BASE_URL) {
    port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    env.BASE_URL = baseUrl;
  }
  if (options.envFor) Object.assign(env, await options.envFor(env.BASE_URL ?? baseUrl));
  const config = loadConfig(env, () => {});
  const deps = await createDeps(config, options.logger ? { logger: options.logger } : {});
  const app = createApp(deps);

  const testApp: TestApp = {
    app,
    deps,
    config,
    smtp,
    ...(sms ? { sms } : {}),
    get baseUrl() {
      return baseUrl;
    },
    request(path, init = {}) {
      const { json, token, ip, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (json !== undefined) headers.set("content-type", "application/json");
      if (token) headers.set("authorization", `Bearer ${token}`);
      headers.set(CLIENT_IP_HEADER, ip ?? "127.0.0.1");
      if (!headers.has("origin")) headers.set("origin", config.baseUrl);
      return app.handle(
        new Request(`${config.baseUrl}${path}`, {
          ...rest,
          method: rest.method ?? (json === undefined ? "GET" : "POST"),
          headers,
          body: json === undefined ? rest.body : JSON.stringify(json),
        }),
      );
    },
    async signIn(email, password) {
      const response = await testApp.request("/api/auth/sign-in/email", { json: { email, password } });
      const body = (await response.json()) as { token?: string };
      if (!response.ok || !body.token) throw new Error(`sign-in of ${email} failed: ${JSON.stringify(body)}`);
      return body.token;
    },
    async listen() {
      server ??= serve(app, {
        port,
        hostname: "127.0.0.1",
        maxBodyBytes: config.maxBodyBytes,
        trustProxy: false,
      });
      return baseUrl;
    },
    async close() {
      await server?.stop(true);
      await deps.close();
      await smtp.close();
      await sms?.close();
      if (schema && pgUrl && !options.reuse) await dropSchema(pgUrl, schema);
      if (!options.reuse) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return testApp;
}

async function freePort(): Promise<number> {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port ?? 0;
  await probe.stop(true);
  return port;
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
