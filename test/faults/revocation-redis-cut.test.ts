/**
 * Revocation is durable when one node cannot reach Redis (issue 11, item 2). Two nodes share one PostgreSQL
 * schema and one Redis of the test's own (with one key prefix); node A reaches Redis through a TCP proxy the
 * test cuts, node B directly. What A revokes while cut off — sign-out, revoke-session, a ban, a password
 * change — is refused by B on its very next request although B still finds the session in Redis, stays refused
 * after A restarts still cut off, and once A reaches Redis again nothing is left outstanding: the rows of
 * `cache_invalidation` are gone and so are the revoked sessions' Redis keys.
 *
 * PostgreSQL only (LISTEN/NOTIFY between nodes): skipped without TEST_DATABASE_URL, or without redis-server.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Redis from "ioredis";
import { type PrivateRedis, REDIS_SERVER, startPrivateRedis } from "../helpers/private-redis.ts";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.ts";
import { ADMIN, createTestApp, dropSchema, type TestApp } from "../helpers/test-app.ts";

const DATABASE_URL = process.env.TEST_DATABASE_URL;
const PASSWORD = "password-123";
const SKIP = !DATABASE_URL
  ? "needs TEST_DATABASE_URL (PostgreSQL)"
  : !REDIS_SERVER
    ? "needs redis-server"
    : undefined;
/** A suite's name, with the reason it is skipped where it is. */
const named = (name: string) => (SKIP ? `${name} (skipped: ${SKIP})` : name);

/** The signed-in user's e-mail on `t`, or null when the session is refused. */
async function sessionEmail(t: TestApp, token: string): Promise<string | null> {
  const response = await t.request("/api/auth/get-session", { token });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { user?: { email: string } } | null;
  return body?.user?.email ?? null;
}

async function userId(t: TestApp, token: string): Promise<string> {
  const body = (await (await t.request("/api/auth/get-session", { token })).json()) as {
    user: { id: string };
  };
  return body.user.id;
}

async function signUp(t: TestApp, email: string): Promise<void> {
  const response = await t.request("/api/auth/sign-up/email", {
    json: { email, password: PASSWORD, name: "U" },
  });
  expect(response.status).toBe(200);
}

async function outstandingRows(t: TestApp): Promise<number> {
  const rows = await t.deps.db.kysely.selectFrom("cache_invalidation").select("id").execute();
  return rows.length;
}

/** Polls `check` until it holds (at most ~10 s): reconnection and draining happen in the background. */
async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await Bun.sleep(100);
  }
  throw new Error(`never happened: ${what}`);
}

const reachesRedis = (t: TestApp) =>
  t.deps.cache.ping().then(
    () => true,
    () => false,
  );

interface Cluster {
  readonly redis: PrivateRedis;
  readonly proxy: TcpProxy;
  readonly schema: string;
  readonly prefix: string;
  readonly check: Redis;
  /** Node A (behind the proxy), started again by `restartA`. */
  a: TestApp;
  b: TestApp | undefined;
  startA(): Promise<TestApp>;
  startB(): Promise<TestApp>;
  /** Whether Redis (seen directly) still holds this key of the deployment. */
  inRedis(key: string): Promise<boolean>;
  close(): Promise<void>;
}

async function cluster(name: string): Promise<Cluster> {
  const redis = await startPrivateRedis();
  const proxy = await startTcpProxy({ host: "127.0.0.1", port: redis.port });
  const schema = `t_${name}_${randomBytes(5).toString("hex")}`;
  const prefix = `test:${name}:${randomBytes(5).toString("hex")}:`;
  const dirs = [mkdtempSync(join(tmpdir(), "gatehouse-a-")), mkdtempSync(join(tmpdir(), "gatehouse-b-"))];
  const node = (redisUrl: string, dataDir: string) =>
    createTestApp({ env: { REDIS_URL: redisUrl, CACHE_PREFIX: prefix }, reuse: { dataDir, schema } });
  const c: Cluster = {
    redis,
    proxy,
    schema,
    prefix,
    check: redis.client(),
    a: undefined as unknown as TestApp,
    b: undefined,
    async startA() {
      c.a = await node(proxy.url("redis"), dirs[0] ?? "");
      return c.a;
    },
    async startB() {
      c.b = await node(redis.url, dirs[1] ?? "");
      return c.b;
    },
    inRedis: async (key) => (await c.check.exists(`${prefix}${key}`)) === 1,
    async close() {
      await c.a?.close();
      await c.b?.close();
      c.check.disconnect();
      await proxy.close();
      await redis.close();
      if (DATABASE_URL) await dropSchema(DATABASE_URL, schema);
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
  await c.startA();
  return c;
}

describe.skipIf(Boolean(SKIP))(named("revocation on a node cut off from Redis"), () => {
  let c: Cluster;
  let a: TestApp;
  let b: TestApp;
  const tokens: Record<string, string> = {};
  const users: Record<string, string> = {};

  beforeAll(async () => {
    c = await cluster("rv");
    a = c.a;
    b = await c.startB();
    for (const who of ["signout", "revoke", "ban", "rotate"]) await signUp(a, `${who}@example.com`);
    tokens.admin = await a.signIn(ADMIN.email, ADMIN.password);
    tokens.signout = await a.signIn("signout@example.com", PASSWORD);
    tokens.revokeActor = await a.signIn("revoke@example.com", PASSWORD);
    tokens.revoked = await a.signIn("revoke@example.com", PASSWORD);
    tokens.banned = await a.signIn("ban@example.com", PASSWORD);
    tokens.passwordActor = await a.signIn("rotate@example.com", PASSWORD);
    tokens.passwordOther = await a.signIn("rotate@example.com", PASSWORD);
    users.banned = await userId(a, tokens.banned);
    users.password = await userId(a, tokens.passwordActor);
  }, 30_000);
  afterAll(async () => {
    await c?.close();
  });

  const victims = ["signout", "revoked", "banned", "passwordOther"] as const;

  it("B finds every session in Redis before the cut", async () => {
    for (const victim of victims) {
      expect(await c.inRedis(tokens[victim] ?? "")).toBe(true);
      expect(await sessionEmail(b, tokens[victim] ?? "")).not.toBeNull();
    }
  });

  it("refuses on B, on its very next request, what A revoked while cut off", async () => {
    c.proxy.cut();
    const signOut = await a.request("/api/auth/sign-out", { method: "POST", token: tokens.signout });
    expect(signOut.status).toBe(200);
    expect(await sessionEmail(b, tokens.signout ?? "")).toBeNull();
    expect(await sessionEmail(a, tokens.signout ?? "")).toBeNull();

    const revoke = await a.request("/api/auth/revoke-session", {
      json: { token: tokens.revoked },
      token: tokens.revokeActor,
    });
    expect(revoke.status).toBe(200);
    expect(await sessionEmail(b, tokens.revoked ?? "")).toBeNull();
    expect(await sessionEmail(a, tokens.revoked ?? "")).toBeNull();
    expect(await sessionEmail(b, tokens.revokeActor ?? "")).toBe("revoke@example.com");

    const ban = await a.request("/api/auth/admin/ban-user", {
      json: { userId: users.banned },
      token: tokens.admin,
    });
    expect(ban.status).toBe(200);
    expect(await sessionEmail(b, tokens.banned ?? "")).toBeNull();
    expect(await sessionEmail(a, tokens.banned ?? "")).toBeNull();

    const change = await a.request("/api/auth/change-password", {
      json: { currentPassword: PASSWORD, newPassword: "password-456", revokeOtherSessions: true },
      token: tokens.passwordActor,
    });
    expect(change.status).toBe(200);
    tokens.passwordNew = ((await change.json()) as { token: string }).token;
    expect(await sessionEmail(b, tokens.passwordOther ?? "")).toBeNull();
    expect(await sessionEmail(a, tokens.passwordOther ?? "")).toBeNull();
    expect(await sessionEmail(b, tokens.passwordActor ?? "")).toBeNull();
    // The session the password change handed out is a new one, not revoked.
    expect(await sessionEmail(b, tokens.passwordNew ?? "")).toBe("rotate@example.com");
  });

  it("keeps them refused when A restarts still cut off, and drains everything once A reaches Redis", async () => {
    await c.a.close();
    a = await c.startA();
    expect(await reachesRedis(a)).toBe(false);
    for (const victim of victims) {
      expect(await sessionEmail(a, tokens[victim] ?? "")).toBeNull();
      expect(await sessionEmail(b, tokens[victim] ?? "")).toBeNull();
    }

    c.proxy.restore();
    await eventually("A reaches Redis again", () => reachesRedis(a));
    await eventually("no invalidation outstanding", async () => (await outstandingRows(a)) === 0);
    for (const victim of victims) {
      expect(await c.inRedis(tokens[victim] ?? "")).toBe(false);
      expect(await sessionEmail(a, tokens[victim] ?? "")).toBeNull();
      expect(await sessionEmail(b, tokens[victim] ?? "")).toBeNull();
    }
    // The revocation markers were written to Redis, not deleted.
    for (const user of [users.banned, users.password]) {
      expect(await c.inRedis(`revoked-sessions-before-${user}`)).toBe(true);
    }
    expect(a.deps.cache.outstandingInvalidations()).toBe(0);
    expect(b.deps.cache.outstandingInvalidations()).toBe(0);
  });
});

describe.skipIf(Boolean(SKIP))(named("a restart of a node alone cut off from Redis"), () => {
  let c: Cluster;

  beforeAll(async () => {
    c = await cluster("rs");
  }, 30_000);
  afterAll(async () => {
    await c?.close();
  });

  it("keeps the sign-out it could not apply, applies it once back, and no node accepts the session", async () => {
    await signUp(c.a, "alone@example.com");
    const token = await c.a.signIn("alone@example.com", PASSWORD);
    expect(await c.inRedis(token)).toBe(true);

    c.proxy.cut();
    const out = await c.a.request("/api/auth/sign-out", { method: "POST", token });
    expect(out.status).toBe(200);
    // Nobody could apply it: Redis still holds the session, the database holds the invalidation.
    expect(await c.inRedis(token)).toBe(true);
    expect(await outstandingRows(c.a)).toBeGreaterThan(0);

    await c.a.close();
    const a = await c.startA();
    expect(await sessionEmail(a, token)).toBeNull();

    c.proxy.restore();
    await eventually("the restarted node applies the invalidation", async () => !(await c.inRedis(token)));
    await eventually("no invalidation outstanding", async () => (await outstandingRows(a)) === 0);
    const b = await c.startB();
    expect(await sessionEmail(b, token)).toBeNull();
    expect(await sessionEmail(a, token)).toBeNull();
  });
});

describe.skipIf(Boolean(SKIP))(named("probes of B while A, cut off, revokes"), () => {
  const USERS = 4;
  const PROBERS = 6;
  let c: Cluster;
  let b: TestApp;
  let adminToken: string;
  const sessions: Array<{ userId: string; tokens: [string, string, string] }> = [];

  beforeAll(async () => {
    c = await cluster("ld");
    b = await c.startB();
    adminToken = await c.a.signIn(ADMIN.email, ADMIN.password);
    for (let i = 0; i < USERS; i++) {
      const email = `load-${i}@example.com`;
      await signUp(c.a, email);
      const tokens: [string, string, string] = [
        await c.a.signIn(email, PASSWORD),
        await c.a.signIn(email, PASSWORD),
        await c.a.signIn(email, PASSWORD),
      ];
      sessions.push({ userId: await userId(c.a, tokens[0]), tokens });
    }
  }, 30_000);
  afterAll(async () => {
    await c?.close();
  });

  it("accepts no session after its revocation was answered (sign-out, revoke-session, ban)", async () => {
    const all = sessions.flatMap((s) => s.tokens);
    for (const token of all) expect(await c.inRedis(token)).toBe(true);
    /** When A's answer revoking each token arrived. */
    const revokedAt = new Map<string, number>();
    const probedAfter = new Set<string>();
    const accepted: string[] = [];
    const late: Array<{ token: string; startedAt: number; revokedAt: number }> = [];
    let stop = false;
    async function probe(offset: number): Promise<void> {
      for (let i = offset; !stop; i++) {
        const token = all[i % all.length] ?? "";
        const startedAt = performance.now();
        const revoked = revokedAt.get(token);
        const email = await sessionEmail(b, token);
        if (revoked !== undefined && startedAt > revoked) {
          probedAfter.add(token);
          if (email !== null) late.push({ token, startedAt, revokedAt: revoked });
        } else if (email !== null) {
          accepted.push(token);
        }
        if (probedAfter.size === all.length) stop = true;
      }
    }
    const probers = Array.from({ length: PROBERS }, (_, i) => probe(i * 2));
    // The probers have seen every session live before the first revocation.
    while (new Set(accepted).size < all.length) await Bun.sleep(5);

    c.proxy.cut();
    const answered = (tokens: readonly string[]) => {
      const at = performance.now();
      for (const token of tokens) revokedAt.set(token, at);
    };
    for (const { userId: id, tokens } of sessions) {
      const [first, second, third] = tokens;
      const out = await c.a.request("/api/auth/sign-out", { method: "POST", token: first });
      expect(out.status).toBe(200);
      answered([first]);
      const revoke = await c.a.request("/api/auth/revoke-session", {
        json: { token: second },
        token: third,
      });
      expect(revoke.status).toBe(200);
      answered([second]);
      const ban = await c.a.request("/api/auth/admin/ban-user", {
        json: { userId: id },
        token: adminToken,
      });
      expect(ban.status).toBe(200);
      answered([third]);
    }
    await Promise.all(probers);

    expect(late).toEqual([]);
    expect(probedAfter.size).toBe(all.length);
    expect(new Set(accepted).size).toBe(all.length);
  });
});
