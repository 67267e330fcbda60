/**
 * SQLite refusing writes while reads work (here `PRAGMA query_only`, which answers every write with
 * SQLITE_READONLY, as a database file turned read-only under a running node does): writes are answered 503 with
 * Retry-After, /health is degraded with the reason "read-only", and the node serves again once writes are
 * accepted, without a restart. Needs no root, so it runs wherever the suite does (the full-disk test needs a
 * tmpfs mount).
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { sql } from "kysely";
import { ADMIN, createTestApp, type TestApp } from "../helpers/test-app.ts";

const HEALTH_TOKEN = "health-token-for-the-read-only-test-01234";

let t: TestApp;
let admin: string;

beforeAll(async () => {
  // SQLite even when the suite runs on PostgreSQL: the pragma is SQLite's.
  t = await createTestApp({ env: { DATABASE_URL: "", HEALTH_TOKEN } });
  admin = await t.signIn(ADMIN.email, ADMIN.password);
  await sql`PRAGMA query_only = ON`.execute(t.deps.db.kysely);
});
afterAll(() => t.close());

describe("SQLite refusing writes (read-only)", () => {
  it("answers a sign-up 503 DATABASE_UNAVAILABLE with Retry-After", async () => {
    const response = await t.request("/api/auth/sign-up/email", {
      json: { email: "read-only@example.com", password: "password-123", name: "RO" },
    });
    expect(response.status).toBe(503);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await response.json()) as { code: string }).code).toBe("DATABASE_UNAVAILABLE");
  });

  it("answers POST /v1/users 503 database_unavailable", async () => {
    const response = await t.request("/v1/users", {
      token: admin,
      json: { email: "read-only-2@example.com", name: "RO", password: "password-123", roles: ["user"] },
    });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { code: string }).code).toBe("database_unavailable");
  });

  it("still serves reads, and /health says degraded with the reason", async () => {
    expect((await t.request("/v1/users?limit=5", { token: admin })).status).toBe(200);
    const summary = await t.request("/health");
    expect(summary.status).toBe(200);
    expect(((await summary.json()) as { status: string }).status).toBe("degraded");
    const detailed = await t.request("/health/detailed", { token: HEALTH_TOKEN });
    expect(((await detailed.json()) as { database: unknown }).database).toMatchObject({
      status: "degraded",
      reason: "read-only",
    });
  });

  it("serves writes again once they are accepted, and /health is ok", async () => {
    await sql`PRAGMA query_only = OFF`.execute(t.deps.db.kysely);
    const response = await t.request("/api/auth/sign-up/email", {
      json: { email: "read-only@example.com", password: "password-123", name: "RO" },
    });
    expect(response.status).toBe(200);
    expect(((await (await t.request("/health")).json()) as { status: string }).status).toBe("ok");
  });
});
