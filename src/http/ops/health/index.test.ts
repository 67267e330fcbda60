import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ADMIN, createTestApp, type TestApp } from "../../../../test/helpers/test-app.ts";
import { dateParam } from "../../../platform/db/values.ts";

const HEALTH_TOKEN = "health-token-for-monitoring-0123456789";

let t: TestApp;
let adminToken: string;
let userToken: string;

beforeAll(async () => {
  t = await createTestApp({ env: { HEALTH_TOKEN } });
  adminToken = await t.signIn(ADMIN.email, ADMIN.password);
  const signUp = await t.request("/api/auth/sign-up/email", {
    json: { email: "plain@example.com", password: "password-123", name: "Plain" },
  });
  expect(signUp.status).toBe(200);
  userToken = await t.signIn("plain@example.com", "password-123");
});
afterAll(() => t.close());

describe("GET /health", () => {
  it("returns 200 ok with the version and uptime while the database and cache answer", async () => {
    const response = await t.request("/health");
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({ status: "ok", version: expect.any(String), uptime: expect.any(Number) });
    const pkg = (await Bun.file(new URL("../../../../package.json", import.meta.url)).json()) as {
      version: string;
    };
    expect(body.version).toBe(pkg.version);
  });

  it("needs no credentials", async () => {
    const response = await t.request("/health", { headers: { authorization: "Bearer nonsense" } });
    expect(response.status).toBe(200);
  });
});

describe("GET /health/detailed", () => {
  it("returns 401 unauthenticated without credentials", async () => {
    const response = await t.request("/health/detailed");
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: "unauthenticated", error: "unauthenticated" });
  });

  it("returns 401 for a wrong health token", async () => {
    const response = await t.request("/health/detailed", { token: `${HEALTH_TOKEN}x` });
    expect(response.status).toBe(401);
  });

  it("returns 403 forbidden for a signed-in user who is not a platform admin", async () => {
    const response = await t.request("/health/detailed", { token: userToken });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: "forbidden" });
  });

  it("reports every component to a platform admin", async () => {
    const response = await t.request("/health/detailed", { token: adminToken });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, Record<string, unknown>> & { status: string };
    expect(body.status).toBe("ok");
    expect(body.database).toMatchObject({
      status: "ok",
      dialect: t.deps.db.dialect,
      latency_ms: expect.any(Number),
    });
    // PostgreSQL reports its connection pool; SQLite has none.
    expect(body.database?.pool).toEqual(
      t.deps.db.dialect === "postgres"
        ? { total: expect.any(Number), idle: expect.any(Number), waiting: 0, max: 10 }
        : null,
    );
    expect(body.cache).toMatchObject({
      status: "ok",
      driver: t.deps.cache.driver,
      latency_ms: expect.any(Number),
    });
    expect(body.mail).toMatchObject({ transport: "smtp", waiting: expect.any(Number) });
    expect(body.sms).toMatchObject({ transport: t.deps.sms.transport, waiting: expect.any(Number) });
    expect(body.cache?.outstanding_invalidations).toBe(0);
    expect(body.memory?.rss_bytes).toBeGreaterThan(0);
    expect(body.memory?.heap_used_bytes).toBeGreaterThan(0);
    expect(body.event_loop?.delay_ms).toMatchObject({ p99: expect.any(Number), max: expect.any(Number) });
    expect(body.versions).toEqual({ gatehouse: expect.any(String), bun: Bun.version, better_auth: "1.7.25" });
    expect(typeof body.uptime).toBe("number");
  });

  it("counts users, active sessions and tenants as the database holds them", async () => {
    const response = await t.request("/health/detailed", { token: adminToken });
    const { counts } = (await response.json()) as { counts: Record<string, number> };
    const { adapter } = await t.deps.auth.$context;
    expect(counts.users).toBe(await adapter.count({ model: "user" }));
    expect(counts.users).toBeGreaterThanOrEqual(2);
    // Both sign-ins above opened a session that is still valid.
    expect(counts.active_sessions).toBeGreaterThanOrEqual(2);
    expect(counts.tenants).toBe(await adapter.count({ model: "organization" }));
  });

  it("shows the outbox backlog per channel: how many messages wait and how long the oldest has", async () => {
    const { dialect, kysely } = t.deps.db;
    // The mail of the sign-up above may still be on its way to the SMTP peer: start from an empty outbox.
    const pending = async () => (await kysely.selectFrom("mail_outbox").select("id").execute()).length;
    for (let tries = 0; (await pending()) > 0 && tries < 100; tries++) await Bun.sleep(50);
    expect(await pending()).toBe(0);
    const minutesAgo = (minutes: number) => dateParam(dialect, new Date(Date.now() - minutes * 60_000));
    // Undelivered messages as a failing provider leaves them: leased into the future, so no retry takes them.
    const leased = dateParam(dialect, new Date(Date.now() + 60 * 60_000));
    const row = (id: string, channel: string, minutes: number) => ({
      id,
      channel,
      payload: "not-a-real-payload",
      attempts: 3,
      createdAt: minutesAgo(minutes),
      availableAt: leased,
    });
    await kysely
      .insertInto("mail_outbox")
      .values([
        row("backlog-mail-1", "mail", 10),
        row("backlog-mail-2", "mail", 2),
        row("backlog-sms-1", "sms", 5),
      ])
      .execute();
    try {
      const response = await t.request("/health/detailed", { token: HEALTH_TOKEN });
      const body = (await response.json()) as Record<string, { waiting: number; oldest_age_seconds: number }>;
      expect(body.mail?.waiting).toBe(2);
      expect(body.mail?.oldest_age_seconds).toBeGreaterThanOrEqual(600);
      expect(body.mail?.oldest_age_seconds).toBeLessThan(900);
      expect(body.sms?.waiting).toBe(1);
      expect(body.sms?.oldest_age_seconds).toBeGreaterThanOrEqual(300);
      expect(body.sms?.oldest_age_seconds).toBeLessThan(600);
    } finally {
      await kysely.deleteFrom("mail_outbox").where("id", "like", "backlog-%").execute();
    }
    const after = (await (await t.request("/health/detailed", { token: HEALTH_TOKEN })).json()) as Record<
      string,
      unknown
    >;
    expect(after.mail).toMatchObject({ waiting: 0, oldest_age_seconds: null });
  });

  it("accepts the HEALTH_TOKEN as a Bearer token", async () => {
    const response = await t.request("/health/detailed", { token: HEALTH_TOKEN });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { status: string }).status).toBe("ok");
  });

  it("contains no secret: no URL, password or token of the configuration", async () => {
    const text = await (await t.request("/health/detailed", { token: HEALTH_TOKEN })).text();
    for (const secret of [t.config.authSecret, HEALTH_TOKEN, ADMIN.password, t.config.smtpUrl ?? "smtp"]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain("://");
  });
});

describe("GET /health when the database is down", () => {
  it("returns 503 with status down", async () => {
    // A second node of the same deployment (same schema on PostgreSQL), whose database then goes away.
    const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-health-"));
    const other = await createTestApp({
      reuse: { dataDir, ...(t.config.databaseSchema ? { schema: t.config.databaseSchema } : {}) },
    });
    try {
      await other.deps.db.close();
      const response = await other.request("/health");
      expect(response.status).toBe(503);
      expect(((await response.json()) as { status: string }).status).toBe("down");
    } finally {
      await other.close().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
