/**
 * A session revoked while its node cannot reach Redis stays refused by every credential that reads the shared
 * store (src/auth/session-fast/): node A reaches Redis through a TCP proxy the test cuts, node B directly. B
 * refuses it on its very next request — get-session by cookie and by bearer, the /v1 principal by bearer and
 * by JWT — because the invalidation A could not apply is in the database log that every node filters its reads
 * with and that B applies to Redis before A answers (src/platform/cache/managed.ts, invalidations-db.ts).
 *
 * PostgreSQL only (the log's LISTEN/NOTIFY): skipped without TEST_DATABASE_URL, or without redis-server.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PrivateRedis, REDIS_SERVER, startPrivateRedis } from "../helpers/private-redis.ts";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.ts";
import { ADMIN, createTestApp, dropSchema, type TestApp } from "../helpers/test-app.ts";

const DATABASE_URL = process.env.TEST_DATABASE_URL;
const SKIP = !DATABASE_URL
  ? "needs TEST_DATABASE_URL (PostgreSQL)"
  : !REDIS_SERVER
    ? "needs redis-server"
    : undefined;
const named = (name: string) => (SKIP ? `${name} (skipped: ${SKIP})` : name);
const PASSWORD = "correct-horse-outage-1";

let redis: PrivateRedis;
let proxy: TcpProxy;
let a: TestApp;
let b: TestApp;
let adminToken = "";
const schema = `t_so_${randomBytes(5).toString("hex")}`;
const prefix = `test:so:${randomBytes(5).toString("hex")}:`;
const dirs = [mkdtempSync(join(tmpdir(), "gatehouse-a-")), mkdtempSync(join(tmpdir(), "gatehouse-b-"))];

interface SignedIn {
  readonly token: string;
  readonly cookie: string;
  readonly jwt: string;
  readonly userId: string;
}

async function signIn(email: string): Promise<SignedIn> {
  const response = await b.request("/api/auth/sign-in/email", { json: { email, password: PASSWORD } });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { token: string; user: { id: string } };
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  const jwt = (
    (await (await b.request("/api/auth/token", { token: body.token })).json()) as { token: string }
  ).token;
  return { token: body.token, cookie, jwt, userId: body.user.id };
}

/** What B accepts of the session, by credential. */
async function acceptedOnB(s: SignedIn): Promise<Record<string, boolean>> {
  const session = async (headers: Record<string, string>) => {
    const response = await b.request("/api/auth/get-session", { headers });
    return response.status === 200 && (await response.json()) !== null;
  };
  const self = async (authorization: string) => {
    const response = await b.request(`/v1/users/${s.userId}`, { headers: { authorization } });
    await response.arrayBuffer();
    return response.status === 200;
  };
  return {
    cookie: await session({ cookie: s.cookie }),
    bearer: await session({ authorization: `Bearer ${s.token}` }),
    v1Bearer: await self(`Bearer ${s.token}`),
    v1Jwt: await self(`Bearer ${s.jwt}`),
  };
}

const ALL = { cookie: true, bearer: true, v1Bearer: true, v1Jwt: true };
const NONE = { cookie: false, bearer: false, v1Bearer: false, v1Jwt: false };

beforeAll(async () => {
  if (SKIP) return;
  redis = await startPrivateRedis();
  proxy = await startTcpProxy({ host: "127.0.0.1", port: redis.port });
  const node = (redisUrl: string, dataDir: string) =>
    createTestApp({ env: { REDIS_URL: redisUrl, CACHE_PREFIX: prefix }, reuse: { dataDir, schema } });
  a = await node(proxy.url("redis"), dirs[0] ?? "");
  b = await node(redis.url, dirs[1] ?? "");
  adminToken = await b.signIn(ADMIN.email, ADMIN.password);
  for (const who of ["out", "ban"]) {
    const created = await b.request("/api/auth/admin/create-user", {
      json: { email: `${who}@outage.test`, password: PASSWORD, name: "Outage", role: "user" },
      token: adminToken,
    });
    expect(created.status).toBe(200);
  }
}, 60_000);

afterAll(async () => {
  if (SKIP) return;
  await a?.close();
  await b?.close();
  await proxy?.close();
  await redis?.close();
  if (DATABASE_URL) await dropSchema(DATABASE_URL, schema);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(Boolean(SKIP))(
  named("sessions from the shared store while a node is cut off from Redis"),
  () => {
    it("refuses on B, by every credential, a session A signed out or a user A banned while cut off", async () => {
      const out = await signIn("out@outage.test");
      const banned = await signIn("ban@outage.test");
      const other = await signIn("out@outage.test");
      expect(await acceptedOnB(out)).toEqual(ALL);
      expect(await acceptedOnB(banned)).toEqual(ALL);

      proxy.cut();
      const signOut = await a.request("/api/auth/sign-out", { method: "POST", token: out.token });
      expect(signOut.status).toBe(200);
      expect(await acceptedOnB(out)).toEqual(NONE);

      const adminOnA = await a.signIn(ADMIN.email, ADMIN.password);
      const ban = await a.request("/api/auth/admin/ban-user", {
        json: { userId: banned.userId },
        token: adminOnA,
      });
      expect(ban.status).toBe(200);
      expect(await acceptedOnB(banned)).toEqual(NONE);
      // Another session of the signed-out user still works on B.
      expect(await acceptedOnB(other)).toEqual(ALL);
    }, 30_000);
  },
);
