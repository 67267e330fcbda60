/**
 * SQLite on a really full disk (a 16 MiB tmpfs filled to the last page): every request that needs to write
 * answers 503 with Retry-After in its surface's shape — not better-auth's 422 FAILED_TO_CREATE_USER or 500 —,
 * /health stops saying ok, /health/detailed names the reason, and once space is freed the node serves again
 * without a restart. Needs root (mount); skipped with the reason where the tmpfs cannot be mounted.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { ADMIN, createTestApp, type TestApp } from "../helpers/test-app.ts";

const HEALTH_TOKEN = "health-token-for-the-disk-full-test-0123";
const mountPoint = mkdtempSync(join(tmpdir(), "gatehouse-full-disk-"));
const mount = spawnSync("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", mountPoint], {
  encoding: "utf8",
});
const mounted = mount.status === 0;
const skipReason = mounted ? "" : ` — SKIPPED: cannot mount a tmpfs (${mount.stderr?.trim() || mount.error})`;
const filler = join(mountPoint, "filler");

let t: TestApp;
let admin: string;
let counter = 0;
const freshEmail = () => `full-${++counter}-${Date.now().toString(36)}@example.com`;

/** Fills the file system to its last page: large blocks first, then pages (tmpfs allocates by page). */
function fillDisk(): void {
  for (const bs of ["1M", "4k"]) {
    spawnSync("dd", ["if=/dev/zero", `of=${filler}${bs}`, `bs=${bs}`], { stdio: "ignore" });
  }
}

function freeDisk(): void {
  rmSync(`${filler}1M`, { force: true });
  rmSync(`${filler}4k`, { force: true });
}

async function expectOutage(response: Response): Promise<Record<string, unknown>> {
  expect(response.status).toBe(503);
  expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
  return (await response.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  if (!mounted) return;
  // SQLite even when the suite runs on PostgreSQL: the full disk is the SQLite file's.
  t = await createTestApp({ env: { DATA_DIR: mountPoint, DATABASE_URL: "", HEALTH_TOKEN } });
  admin = await t.signIn(ADMIN.email, ADMIN.password);
  // An empty WAL: the next commit must grow it, so on a full disk no write finds room left in it.
  await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(t.deps.db.kysely);
  fillDisk();
});

afterAll(async () => {
  if (mounted) {
    freeDisk();
    await t?.close();
    // SQLite may keep the file open until its last statement is collected: then detach it lazily.
    if (spawnSync("umount", [mountPoint]).status !== 0) spawnSync("umount", ["-l", mountPoint]);
  }
  rmSync(mountPoint, { recursive: true, force: true });
});

describe(`SQLite on a full disk${skipReason}`, () => {
  it.skipIf(!mounted)("answers a sign-up on /api/auth 503 DATABASE_UNAVAILABLE, not 422", async () => {
    const response = await t.request("/api/auth/sign-up/email", {
      json: { email: freshEmail(), password: "password-123", name: "Full" },
    });
    const body = await expectOutage(response);
    expect(body).toEqual({ code: "DATABASE_UNAVAILABLE", message: expect.any(String) });
  });

  it.skipIf(!mounted)("answers a sign-in on /api/auth 503, not 500", async () => {
    const response = await t.request("/api/auth/sign-in/email", {
      json: { email: ADMIN.email, password: ADMIN.password },
    });
    expect((await expectOutage(response)).code).toBe("DATABASE_UNAVAILABLE");
  });

  it.skipIf(!mounted)("answers POST /v1/users 503 database_unavailable in the native shape", async () => {
    const response = await t.request("/v1/users", {
      token: admin,
      json: { email: freshEmail(), name: "Full", password: "password-123", roles: ["user"] },
    });
    const body = await expectOutage(response);
    expect(body).toEqual({
      code: "database_unavailable",
      error: "database_unavailable",
      message: "The database is unavailable; try again in a few seconds",
    });
  });

  it.skipIf(!mounted)("localizes the message", async () => {
    const response = await t.request("/v1/users", {
      token: admin,
      headers: { "accept-language": "de" },
      json: { email: freshEmail(), name: "Voll", password: "password-123", roles: ["user"] },
    });
    expect((await expectOutage(response)).message).toBe(
      "Die Datenbank ist nicht verfügbar; versuchen Sie es in einigen Sekunden erneut",
    );
  });

  it.skipIf(!mounted)("answers GeoLens and Hasura sign-ups 503 in their own shapes", async () => {
    const geolens = await t.request("/api/admin/users/", {
      token: admin,
      json: { username: `full_${++counter}`, password: "password-123" },
    });
    expect(await expectOutage(geolens)).toEqual({ detail: "Service Unavailable" });
    const hasura = await t.request("/v1/signup", {
      json: { provider: "email", data: { email: freshEmail(), password: "password-123" } },
    });
    expect(await expectOutage(hasura)).toEqual({ code: "service-unavailable", message: expect.any(String) });
    const login = await t.request("/v1/login", {
      json: { provider: "email", data: { email: ADMIN.email, password: ADMIN.password } },
    });
    expect((await expectOutage(login)).code).toBe("service-unavailable");
  });

  it.skipIf(!mounted)("reports /health degraded and names the reason in /health/detailed", async () => {
    const summary = await t.request("/health");
    expect(((await summary.json()) as { status: string }).status).toBe("degraded");
    const detailed = await t.request("/health/detailed", { token: HEALTH_TOKEN });
    const report = (await detailed.json()) as { status: string; database: Record<string, unknown> };
    expect(report.status).toBe("degraded");
    expect(report.database).toMatchObject({
      status: "degraded",
      reason: "disk full",
      since: expect.any(String),
    });
  });

  it.skipIf(!mounted)("serves again once space is freed, without a restart", async () => {
    freeDisk();
    const email = freshEmail();
    const signUp = await t.request("/api/auth/sign-up/email", {
      json: { email, password: "password-123", name: "Back" },
    });
    expect(signUp.status).toBe(200);
    expect(
      (await t.request("/api/auth/sign-in/email", { json: { email, password: "password-123" } })).status,
    ).toBe(200);
    const detailed = await t.request("/health/detailed", { token: HEALTH_TOKEN });
    const report = (await detailed.json()) as { status: string; database: Record<string, unknown> };
    expect(report.database).toMatchObject({ status: "ok", reason: null });
    expect(((await (await t.request("/health")).json()) as { status: string }).status).toBe("ok");
  });
});
