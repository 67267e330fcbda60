/**
 * The invalidation follower across a PostgreSQL restart (issue 11 items 1 and 2 together): each node LISTENs on
 * its own connection (src/platform/cache/invalidations-db.ts), which a restart terminates. Two nodes on a
 * private cluster (test/helpers/private-postgres.ts) and a private Redis; node A reaches Redis through a TCP
 * proxy the test cuts, so that what A revokes reaches B only through the database. After `pg_ctl restart -m
 * fast` (and again after `-m immediate`) both nodes LISTEN again, and a sign-out on A while it is cut off from
 * Redis is refused by B on its very next request although B still finds the session in Redis.
 *
 * Skipped, with the reason in its name, where the PostgreSQL binaries or redis-server are missing.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import {
  type PrivatePostgres,
  privatePostgresUnavailable,
  startPrivatePostgres,
} from "../helpers/private-postgres.ts";
import { type PrivateRedis, REDIS_SERVER, startPrivateRedis } from "../helpers/private-redis.ts";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

const SKIP = privatePostgresUnavailable() ?? (REDIS_SERVER ? undefined : "needs redis-server");
const named = (name: string) => (SKIP ? `${name} (skipped: ${SKIP})` : name);
const PASSWORD = "password-123";

let cluster: PrivatePostgres;
let redis: PrivateRedis;
let proxy: TcpProxy;
let a: TestApp;
let b: TestApp;
const dirs: string[] = [];
const schema = `t_lr_${randomBytes(5).toString("hex")}`;
const prefix = `test:lr:${randomBytes(5).toString("hex")}:`;

/** Polls `ok` until it holds (at most ~15 s): reconnections happen in the background. */
async function eventually(what: string, ok: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (await ok().catch(() => false)) return;
    await Bun.sleep(100);
  }
  throw new Error(`never happened: ${what}`);
}

/** Connections of the cluster whose last statement was a LISTEN: one per node that follows invalidations. */
async function listeners(): Promise<number> {
  const client = new pg.Client({ connectionString: cluster.url });
  client.on("error", () => {});
  await client.connect();
  try {
    const result = await client.query(
      "select count(*)::int as n from pg_stat_activity where state = 'idle' and query like 'LISTEN %'",
    );
    return (result.rows[0] as { n: number }).n;
  } finally {
    await client.end();
  }
}

async function sessionEmail(t: TestApp, token: string): Promise<string | null> {
  const response = await t.request("/api/auth/get-session", { token });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { user?: { email: string } } | null;
  return body?.user?.email ?? null;
}

const inRedis = async (token: string) => {
  const client = redis.client();
  try {
    return (await client.exists(`${prefix}${token}`)) === 1;
  } finally {
    client.disconnect();
  }
};

/** Both nodes answer requests that reach the database again (a sign-up writes). */
async function servingAgain(): Promise<void> {
  for (const [name, node] of [
    ["A", a],
    ["B", b],
  ] as const) {
    await eventually(`node ${name} serves writes again`, async () => {
      const response = await node.request("/api/auth/sign-up/email", {
        json: { email: `probe-${randomBytes(4).toString("hex")}@example.com`, password: PASSWORD, name: "P" },
      });
      return response.status === 200;
    });
  }
}

describe.skipIf(Boolean(SKIP))(named("cache invalidations across a PostgreSQL restart"), () => {
  beforeAll(async () => {
    cluster = await startPrivatePostgres();
    redis = await startPrivateRedis();
    proxy = await startTcpProxy({ host: "127.0.0.1", port: redis.port });
    const node = (redisUrl: string) => {
      const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-lr-"));
      dirs.push(dataDir);
      return createTestApp({
        env: {
          DATABASE_URL: cluster.url,
          DATABASE_SCHEMA: schema,
          REDIS_URL: redisUrl,
          CACHE_PREFIX: prefix,
        },
        reuse: { dataDir, schema },
      });
    };
    a = await node(proxy.url("redis"));
    b = await node(redis.url);
  }, 30_000);
  afterAll(async () => {
    await a?.close().catch(() => {});
    await b?.close().catch(() => {});
    await proxy?.close();
    await redis?.close();
    await cluster?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  for (const mode of ["fast", "immediate"] as const) {
    it(`after pg_ctl restart -m ${mode}, B refuses on its next request what A revoked while cut off from Redis`, async () => {
      proxy.restore();
      const email = `victim-${mode}@example.com`;
      const signUp = await b.request("/api/auth/sign-up/email", {
        json: { email, password: PASSWORD, name: "V" },
      });
      expect(signUp.status).toBe(200);
      const token = await b.signIn(email, PASSWORD);
      expect(await sessionEmail(a, token)).toBe(email);
      expect(await listeners()).toBe(2);

      await cluster.restart(mode);
      await servingAgain();
      // The LISTEN connections were terminated with the server; each node opens its own again.
      await eventually("both nodes LISTEN again", async () => (await listeners()) === 2);

      proxy.cut();
      expect(await inRedis(token)).toBe(true);
      const signOut = await a.request("/api/auth/sign-out", { method: "POST", token });
      expect(signOut.status).toBe(200);
      expect(await sessionEmail(b, token)).toBeNull();
      expect(await sessionEmail(a, token)).toBeNull();
      // B, which reaches Redis, applied A's invalidation there too.
      expect(await inRedis(token)).toBe(false);
    }, 30_000);
  }
});
