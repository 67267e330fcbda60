import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.ts";
import { errorMessage } from "../../../i18n/index.ts";

const USER = { email: "limited@example.com", password: "password-123", name: "Limited" };

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ env: { RATE_LIMIT_ENABLED: "true" } });
  // Sign-up is limited per IP too; this one comes from its own address.
  const up = await t.request("/api/auth/sign-up/email", { json: USER, ip: "192.0.2.250" });
  expect(up.status).toBe(200);
});
afterAll(() => t.close());

const signIn = (app: TestApp, ip: string, password = USER.password) =>
  app.request("/api/auth/sign-in/email", { json: { email: USER.email, password }, ip });

describe("rate limits on credential endpoints (POST /api/auth/sign-in/email)", () => {
  // Sign-ins are flood-limited only (60 a minute per address and endpoint, src/auth/rate-limits.ts): many people
  // sign in from one address. Guessing is stopped by brute-force detection (src/auth/security-brute-force.test.ts).
  it("answers the 61st sign-in attempt within a minute from one IP with 429, Retry-After and code RATE_LIMITED", async () => {
    const ip = "192.0.2.1";
    expect((await signIn(t, ip, "wrong-password")).status).toBe(401);
    for (let i = 1; i < 60; i++) expect((await signIn(t, ip)).status).toBe(200);
    const limited = await signIn(t, ip);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = (await limited.json()) as { code: string; message: string };
    expect(body.code).toBe("RATE_LIMITED");
    expect(body.message.length).toBeGreaterThan(0);
  }, 30_000);

  it("answers the 429 in the caller's language", async () => {
    const ip = "192.0.2.9";
    // An account of its own: five wrong passwords lock it (brute-force detection), the 6th attempt is refused.
    const attempt = () =>
      t.request("/api/auth/sign-in/email", {
        json: { email: "locked-fr@example.com", password: "wrong-password" },
        ip,
        headers: { "accept-language": "fr" },
      });
    for (let i = 0; i < 5; i++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    const body = (await limited.json()) as { code: string; message: string };
    expect(body).toEqual({ code: "RATE_LIMITED", message: errorMessage("fr", "RATE_LIMITED") ?? "" });
    expect(body.message).not.toBe(errorMessage("en", "RATE_LIMITED"));
  });

  it("does not limit another IP", async () => {
    expect((await signIn(t, "192.0.2.2")).status).toBe(200);
  });

  it("limits password-reset requests to 3 a minute per IP", async () => {
    const ip = "192.0.2.3";
    const reset = () =>
      t.request("/api/auth/request-password-reset", { json: { email: USER.email, redirectTo: "/" }, ip });
    for (let i = 0; i < 3; i++) expect((await reset()).status).toBe(200);
    const limited = await reset();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(10);
  });
});

describe("rate limits on Gatehouse's own routes", () => {
  it("limits the Hasura dialect's SMS senders to 3 and its code checks to 5 a minute per IP", async () => {
    const ip = "192.0.2.6";
    const send = () =>
      t.request("/v1/providers/mobile/send-otp", { json: { mobile: "9999999999", country_code: "91" }, ip });
    for (let i = 0; i < 3; i++) expect((await send()).status).not.toBe(429);
    expect((await send()).status).toBe(429);
    const verify = () =>
      t.request("/v1/providers/mobile-password/verify-otp", {
        json: { mobile: "9999999999", country_code: "91", otp: "000000" },
        ip,
      });
    for (let i = 0; i < 5; i++) expect((await verify()).status).not.toBe(429);
    expect((await verify()).status).toBe(429);
  });

  it("answers /health/detailed beyond 60 a minute from one IP with 429 in the native error shape", async () => {
    const ip = "192.0.2.4";
    for (let i = 0; i < 60; i++) {
      expect((await t.request("/health/detailed", { ip })).status).toBe(401);
    }
    const limited = await t.request("/health/detailed", { ip });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toMatchObject({ code: "RATE_LIMITED", error: "RATE_LIMITED" });
    // Another IP and an unguarded route are not affected.
    expect((await t.request("/health/detailed", { ip: "192.0.2.5" })).status).toBe(401);
    expect((await t.request("/health", { ip })).status).toBe(200);
  });
});

describe("rate limits across two app instances on one Redis", () => {
  it.skipIf(!process.env.TEST_REDIS_URL)(
    "shares the counts: five wrong passwords for one account on one, the 6th attempt on the other is 429",
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-rl-"));
      // The same database and cache prefix: a second node of the same deployment.
      const other = await createTestApp({
        env: { RATE_LIMIT_ENABLED: "true", CACHE_PREFIX: t.config.cachePrefix },
        reuse: { dataDir, ...(t.config.databaseSchema ? { schema: t.config.databaseSchema } : {}) },
      });
      try {
        const attempt = (app: TestApp, ip: string) =>
          app.request("/api/auth/sign-in/email", {
            json: { email: "shared-count@example.com", password: "wrong-password" },
            ip,
          });
        for (let i = 0; i < 5; i++) expect((await attempt(t, `192.0.2.${60 + i}`)).status).toBe(401);
        const limited = await attempt(other, "192.0.2.70");
        expect(limited.status).toBe(429);
        expect(limited.headers.get("retry-after")).not.toBeNull();
      } finally {
        await other.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );
});
