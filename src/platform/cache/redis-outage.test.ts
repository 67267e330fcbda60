/**
 * A Redis outage never stops sign-in: with a redis-server of its own, each test signs in, kills Redis, and
 * checks that sign-in and sessions keep working from the database, then that the cache is used again once
 * Redis is back — and that nothing revoked during the outage comes back from the cache.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PrivateRedis, REDIS_SERVER, startPrivateRedis } from "../../../test/helpers/private-redis.ts";
import { ADMIN, createTestApp, dropSchema, type TestApp } from "../../../test/helpers/test-app.ts";

/** Waits until the app's cache answers again (the client reconnects on its own). */
async function cacheBack(t: TestApp): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (
      await t.deps.cache.ping().then(
        () => true,
        () => false,
      )
    )
      return;
    await Bun.sleep(100);
  }
  throw new Error("the cache did not reconnect");
}

const getSession = async (t: TestApp, token: string) => {
  const response = await t.request("/api/auth/get-session", { token });
  expect(response.status).toBe(200);
  return (await response.json()) as { user: { email: string } } | null;
};

describe.skipIf(!REDIS_SERVER)("a Redis outage", () => {
  let redis: PrivateRedis;
  let t: TestApp;
  const USER = { email: "outage@example.com", password: "password-123", name: "Outage" };

  beforeAll(async () => {
    redis = await startPrivateRedis();
    t = await createTestApp({
      env: { REDIS_URL: redis.url, CACHE_PREFIX: `outage:${randomBytes(4).toString("hex")}:` },
    });
    expect((await t.request("/api/auth/sign-up/email", { json: USER })).status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await redis?.close();
  });

  it("treats a read that times out as a miss", async () => {
    await t.deps.cache.set("probe:key", "value", 60);
    const pauser = redis.client();
    try {
      await pauser.call("CLIENT", "PAUSE", "1000", "ALL");
      const started = performance.now();
      expect(await t.deps.cache.get("probe:key")).toBeNull();
      expect(performance.now() - started).toBeLessThan(950);
      expect(t.deps.cache.stats.snapshot().probe?.errors).toBeGreaterThanOrEqual(1);
      await pauser.call("CLIENT", "UNPAUSE");
    } finally {
      pauser.disconnect();
    }
    await Bun.sleep(1100); // the cache leaves a failed store alone for a second
    expect(await t.deps.cache.get("probe:key")).toBe("value");
  });

  it("keeps sign-in and sessions working from the database, then uses the cache again when Redis is back", async () => {
    const before = await t.signIn(USER.email, USER.password);
    expect(await t.deps.cache.get(before)).not.toBeNull();

    await redis.kill();
    const during = await t.signIn(USER.email, USER.password);
    expect((await getSession(t, during))?.user.email).toBe(USER.email);
    expect((await getSession(t, before))?.user.email).toBe(USER.email);
    expect((await t.request("/api/auth/get-session", { token: "not-a-session" })).status).toBe(200);

    const health = await t.request("/health");
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe("degraded");
    expect((await t.request("/cache/health")).status).toBe(503);

    await redis.start();
    await cacheBack(t);
    expect(((await (await t.request("/health")).json()) as { status: string }).status).toBe("ok");
    const after = await t.signIn(USER.email, USER.password);
    expect(await t.deps.cache.get(after)).not.toBeNull();
    const hits = t.deps.cache.stats.snapshot()["better-auth"]?.hits ?? 0;
    expect((await getSession(t, after))?.user.email).toBe(USER.email);
    expect(t.deps.cache.stats.snapshot()["better-auth"]?.hits ?? 0).toBeGreaterThan(hits);
  });
});

describe.skipIf(!REDIS_SERVER)("a Redis outage with a Redis that keeps its data", () => {
  let redis: PrivateRedis;
  let t: TestApp;
  let dataDir: string;
  let adminToken: string;

  beforeAll(async () => {
    redis = await startPrivateRedis({ persistent: true });
    dataDir = mkdtempSync(join(tmpdir(), "gatehouse-outage-"));
    t = await createTestApp({
      env: { REDIS_URL: redis.url, CACHE_PREFIX: `outage:${randomBytes(4).toString("hex")}:` },
    });
    adminToken = await t.signIn(ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await t?.close();
    await redis?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("does not bring back a session signed out or a user banned while Redis was down", async () => {
    const users = ["signout@example.com", "banned@example.com"];
    for (const email of users) {
      const up = await t.request("/api/auth/sign-up/email", {
        json: { email, password: "password-123", name: "U" },
      });
      expect(up.status).toBe(200);
    }
    const signedOut = await t.signIn("signout@example.com", "password-123");
    const banned = await t.signIn("banned@example.com", "password-123");
    const bannedId = ((await getSession(t, banned)) as { user: { id: string } } | null)?.user.id;
    expect(await t.deps.cache.get(signedOut)).not.toBeNull();

    await redis.kill();
    expect((await t.request("/api/auth/sign-out", { method: "POST", token: signedOut })).status).toBe(200);
    const ban = await t.request("/api/auth/admin/ban-user", {
      json: { userId: bannedId },
      token: adminToken,
    });
    expect(ban.status).toBe(200);
    expect(await getSession(t, signedOut)).toBeNull();
    expect(await getSession(t, banned)).toBeNull();

    // Redis restarts with the sessions it held before the outage.
    await redis.start();
    const check = redis.client();
    try {
      expect(await check.exists(`${t.config.cachePrefix}${signedOut}`)).toBe(1);
    } finally {
      check.disconnect();
    }
    await cacheBack(t);
    expect(await getSession(t, signedOut)).toBeNull();
    expect(await getSession(t, banned)).toBeNull();
  });
});

describe.skipIf(!REDIS_SERVER)("a node restarted during a Redis outage", () => {
  let redis: PrivateRedis;
  let t: TestApp | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-outage-restart-"));
  const pgUrl = process.env.TEST_DATABASE_URL;
  // The restarted node must find the same database: the same SQLite file, or the same PostgreSQL schema.
  const schema = pgUrl ? `t_outage_${randomBytes(5).toString("hex")}` : undefined;
  const env = { CACHE_PREFIX: `outage:${randomBytes(4).toString("hex")}:` };
  const start = () =>
    createTestApp({
      env: { ...env, REDIS_URL: redis.url },
      reuse: { dataDir, ...(schema ? { schema } : {}) },
    });

  beforeAll(async () => {
    redis = await startPrivateRedis({ persistent: true });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.close();
    if (pgUrl && schema) await dropSchema(pgUrl, schema);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("still removes from Redis, once back, a session signed out before the restart", async () => {
    t = await start();
    const up = await t.request("/api/auth/sign-up/email", {
      json: { email: "restart@example.com", password: "password-123", name: "R" },
    });
    expect(up.status).toBe(200);
    const token = await t.signIn("restart@example.com", "password-123");
    // A fresh client per look: one kept across the kill would still be reconnecting when asked.
    const inRedis = async () => {
      const check = redis.client();
      try {
        return (await check.exists(`${env.CACHE_PREFIX}${token}`)) === 1;
      } finally {
        check.disconnect();
      }
    };
    expect(await inRedis()).toBe(true);
    await redis.kill();
    expect((await t.request("/api/auth/sign-out", { method: "POST", token })).status).toBe(200);
    await t.close();
    t = await start();
    expect(await getSession(t, token)).toBeNull();

    // Redis comes back with the session it held; the restarted node removes it.
    await redis.start();
    await cacheBack(t);
    const app = t;
    const drained = async () => !(await inRedis()) && app.deps.cache.outstandingInvalidations() === 0;
    for (let i = 0; i < 50 && !(await drained()); i++) await Bun.sleep(100);
    expect(await inRedis()).toBe(false);
    expect(t.deps.cache.outstandingInvalidations()).toBe(0);
    expect(await getSession(t, token)).toBeNull();
  }, 15_000);
});
