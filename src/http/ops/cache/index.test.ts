import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { ADMIN, createTestApp, type TestApp } from "../../../../test/helpers/test-app.ts";

interface NamespaceMetrics {
  hits: number;
  misses: number;
  hit_rate: number | null;
  sets: number;
  keys: number | null;
  latency_ms: { p50: number | null; p95: number | null; p99: number | null };
}
interface Metrics {
  driver: string;
  available: boolean;
  namespaces: Record<string, NamespaceMetrics>;
  totals: { hits: number; misses: number; keys: number | null; keys_complete: boolean };
}

let t: TestApp;
let adminToken: string;
let userToken: string;

beforeAll(async () => {
  t = await createTestApp();
  adminToken = await t.signIn(ADMIN.email, ADMIN.password);
  await t.request("/api/auth/sign-up/email", {
    json: { email: "user@example.com", password: "password-123", name: "User" },
  });
  userToken = await t.signIn("user@example.com", "password-123");
});
afterAll(() => t.close());

async function metrics(): Promise<Metrics> {
  const response = await t.request("/cache/metrics");
  expect(response.status).toBe(200);
  return (await response.json()) as Metrics;
}

describe("GET /cache/health", () => {
  it("returns ok with the driver and a round-trip time", async () => {
    const response = await t.request("/cache/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "ok",
      driver: t.config.redisUrl ? "redis" : "memory",
      latency_ms: expect.any(Number),
    });
  });
});

describe("GET /cache/metrics", () => {
  it("counts session reads per namespace: a get-session with a cached session is a hit", async () => {
    const before = (await metrics()).namespaces["better-auth"];
    const session = await t.request("/api/auth/get-session", { token: userToken });
    expect(session.status).toBe(200);
    const after = (await metrics()).namespaces["better-auth"];
    expect(after?.hits).toBeGreaterThan(before?.hits ?? 0);
    expect(after?.sets).toBeGreaterThan(0);
    expect(after?.hit_rate).toBeGreaterThan(0);
    expect(after?.latency_ms.p50).toEqual(expect.any(Number));
    expect(after?.latency_ms.p99).toBeGreaterThanOrEqual(after?.latency_ms.p50 ?? 0);
  });

  it("counts a read of a missing key as a miss and reports keys per namespace", async () => {
    const cache = t.deps.cache.namespace("metrics-probe");
    await cache.set("present", "1", 60);
    expect(await cache.get("absent")).toBeNull();
    expect(await cache.get("present")).toBe("1");
    const body = await metrics();
    expect(body.namespaces["metrics-probe"]).toMatchObject({
      hits: 1,
      misses: 1,
      hit_rate: 0.5,
      sets: 1,
      keys: 1,
    });
    // Two sign-ins left two session entries (and their lists) in the cache.
    expect(body.namespaces["better-auth"]?.keys).toBeGreaterThanOrEqual(2);
    expect(body.totals.keys_complete).toBe(true);
    expect(body.available).toBe(true);
  });
});

describe("POST /cache/clear", () => {
  it("returns 401 without credentials and 403 for a user who is not a platform admin", async () => {
    expect((await t.request("/cache/clear", { json: {} })).status).toBe(401);
    const forbidden = await t.request("/cache/clear", { json: {}, token: userToken });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ code: "forbidden" });
  });

  it("returns 400 invalid_request for an unknown scope", async () => {
    const response = await t.request("/cache/clear", { json: { scope: "everything" }, token: adminToken });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "invalid_request" });
  });

  it("clears the application caches and keeps cached sessions by default", async () => {
    const app = t.deps.cache.namespace("clear-probe");
    await app.set("a", "1", 60);
    await app.set("b", "2", 60);
    const response = await t.request("/cache/clear", { json: {}, token: adminToken });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { scope: string; removed: Record<string, number>; total: number };
    expect(body.scope).toBe("app");
    expect(body.removed["clear-probe"]).toBe(2);
    expect(body.removed["better-auth"]).toBeUndefined();
    expect(await app.get("a")).toBeNull();
    expect(await t.deps.cache.get(userToken)).not.toBeNull();
  });

  it('with {scope: "all"} also drops cached sessions, which stay valid from the database', async () => {
    const response = await t.request("/cache/clear", { json: { scope: "all" }, token: adminToken });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { scope: string; removed: Record<string, number>; total: number };
    expect(body.scope).toBe("all");
    expect(body.removed["better-auth"]).toBeGreaterThanOrEqual(2);
    expect(body.total).toBeGreaterThanOrEqual(body.removed["better-auth"] ?? 0);
    expect(await t.deps.cache.get(userToken)).toBeNull();
    const session = await t.request("/api/auth/get-session", { token: userToken });
    expect(session.status).toBe(200);
    expect(((await session.json()) as { user: { email: string } }).user.email).toBe("user@example.com");
  });
});

describe("POST /cache/test", () => {
  it("returns 401 without credentials", async () => {
    expect((await t.request("/cache/test", { method: "POST" })).status).toBe(401);
  });

  it("runs set, get, expire and delete and passes each step", async () => {
    const response = await t.request("/cache/test", { method: "POST", token: adminToken });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      status: string;
      steps: { step: string; ok: boolean; ms: number }[];
      total_ms: number;
    };
    expect(body.status).toBe("pass");
    expect(body.steps.map((s) => [s.step, s.ok])).toEqual([
      ["set", true],
      ["get", true],
      ["expire", true],
      ["delete", true],
    ]);
    for (const step of body.steps) expect(step.ms).toBeGreaterThanOrEqual(0);
    expect(body.total_ms).toBeGreaterThanOrEqual(0);
  });
});
