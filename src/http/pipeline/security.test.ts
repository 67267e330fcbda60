/**
 * Attacks on the shared request pipeline (issue 10, items 1, 3, 5 and 16), each sent the way an attacker sends
 * it: a cross-site form post riding the session cookie, a small body nested thousands of levels deep, a client
 * that writes its own X-Forwarded-For entry behind a proxy that appends, a page that sniffs, frames or caches
 * our answers, an anonymous scrape of the metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ADMIN, createTestApp, type TestApp } from "../../../test/helpers/test-app.ts";
import { createTenant, signUp } from "../../../test/helpers/v1.ts";
import { loadConfig } from "../../config.ts";
import { CLIENT_IP_HEADER } from "../../platform/client-ip.ts";
import { serve } from "../../server.ts";
import { MAX_JSON_DEPTH } from "./json-depth.ts";

const EVIL = "https://evil.example";
const PERMIT_ALL = "permit (principal, action, resource);";

let t: TestApp;
let cookie = "";
let token = "";

/** A request as a browser or a script sends it: only the headers given (no Origin unless given). */
async function send(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers = new Headers(init.headers);
  headers.set(CLIENT_IP_HEADER, "198.51.100.20");
  const response = await t.app.handle(
    new Request(`${t.config.baseUrl}${path}`, { method: init.method ?? "POST", headers, body: init.body }),
  );
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Like send(), but the Response itself (for its headers). */
async function sendRaw(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set(CLIENT_IP_HEADER, "198.51.100.20");
  return t.app.handle(
    new Request(`${t.config.baseUrl}${path}`, { method: init.method ?? "POST", headers, body: init.body }),
  );
}

const crossSite = (contentType: string, extra: Record<string, string> = {}) => ({
  cookie,
  origin: EVIL,
  "content-type": contentType,
  ...extra,
});

async function policyCount(): Promise<number> {
  const row = await t.deps.db.kysely
    .selectFrom("tenant_policy")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function userExists(email: string): Promise<boolean> {
  return Boolean(
    await t.deps.db.kysely.selectFrom("user").select("id").where("email", "=", email).executeTakeFirst(),
  );
}

beforeAll(async () => {
  t = await createTestApp();
  const response = await t.request("/api/auth/sign-in/email", { json: ADMIN });
  cookie = (response.headers.getSetCookie() ?? []).map((c) => c.split(";")[0]).join("; ");
  token = ((await response.json()) as { token: string }).token;
  expect(cookie).toContain("session_token=");
});

afterAll(async () => {
  await t.close();
});

describe("CSRF: unsafe requests riding the session cookie (item 1)", () => {
  it("refuses a cross-site form post to /v1/policies that would store a permit-all rule", async () => {
    const before = await policyCount();
    const answer = await send("/v1/policies", {
      headers: crossSite("application/x-www-form-urlencoded"),
      body: `policy=${encodeURIComponent(PERMIT_ALL)}`,
    });
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe("untrusted_origin");
    expect(await policyCount()).toBe(before);
  });

  it("refuses a cross-site text/plain JSON post to /v1/admin/create-user that would create a platform admin", async () => {
    const email = "csrf-admin@evil.test";
    const answer = await send("/v1/admin/create-user", {
      headers: crossSite("text/plain"),
      body: JSON.stringify({
        provider: "email",
        data: { email, password: "csrf-password-1" },
        roles: ["admin"],
        is_active: true,
      }),
    });
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({ code: "access-denied", message: expect.any(String) });
    expect(await userExists(email)).toBe(false);
  });

  it("refuses cross-site posts to /v1/roles, /v1/users, /cache/clear and /i18n/language", async () => {
    const email = "csrf-user@evil.test";
    const attempts = [
      ["/v1/roles", JSON.stringify({ name: "csrf-role" })],
      ["/v1/users", JSON.stringify({ email, name: "x", roles: ["admin"], password: "csrf-password-1" })],
      ["/cache/clear", "{}"],
      ["/i18n/language", JSON.stringify({ language: "ja" })],
    ] as const;
    for (const [path, body] of attempts) {
      const answer = await send(path, { headers: crossSite("text/plain"), body });
      expect({ path, status: answer.status, code: answer.body.code }).toEqual({
        path,
        status: 403,
        code: "untrusted_origin",
      });
    }
    expect(await userExists(email)).toBe(false);
  });

  it("refuses cross-site GeoLens creates and cross-site PATCH and DELETE on /v1 riding the cookie", async () => {
    const username = "csrf_geolens";
    const geolens = await send("/api/admin/users/", {
      headers: crossSite("text/plain"),
      body: JSON.stringify({ username, password: "csrf-password-1", role: "admin" }),
    });
    expect(geolens.status).toBe(403);
    expect(Object.keys(geolens.body)).toEqual(["detail"]);
    const victim = await signUp(t, "Csrf Victim");
    const patch = await send(`/v1/users/${victim.id}`, {
      method: "PATCH",
      headers: crossSite("application/json"),
      body: JSON.stringify({ name: "owned" }),
    });
    expect(patch.status).toBe(403);
    const remove = await send(`/v1/users/${victim.id}`, {
      method: "DELETE",
      headers: { cookie, origin: EVIL },
    });
    expect(remove.status).toBe(403);
    const row = await t.deps.db.kysely
      .selectFrom("user")
      .select("name")
      .where("id", "=", victim.id)
      .executeTakeFirst();
    expect(row?.name).toBe("Csrf Victim");
  });

  it("refuses a cross-site /v1/user/logout, and the session keeps working", async () => {
    const answer = await send("/v1/user/logout", { headers: crossSite("text/plain"), body: "{}" });
    expect(answer.status).toBe(403);
    const info = await send("/v1/user/info", { method: "GET", headers: { cookie } });
    expect(info.status).toBe(200);
  });

  it("judges by the Referer when there is no Origin, and refuses a cookie request that names neither", async () => {
    const fromEvilPage = await send("/v1/roles", {
      headers: { cookie, referer: `${EVIL}/form.html`, "content-type": "application/json" },
      body: JSON.stringify({ name: "csrf-referer" }),
    });
    expect(fromEvilPage.status).toBe(403);
    const anonymousOrigin = await send("/v1/roles", {
      headers: { cookie, origin: "null", "content-type": "application/json" },
      body: JSON.stringify({ name: "csrf-null" }),
    });
    expect(anonymousOrigin.status).toBe(403);
    const unnamed = await send("/v1/roles", {
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ name: "csrf-unnamed" }),
    });
    expect(unnamed.status).toBe(403);
  });

  it("lets the cookie through from BASE_URL (Origin or Referer) and a Bearer token from anywhere", async () => {
    const sameOrigin = await send("/cache/clear", {
      headers: { cookie, origin: t.config.baseUrl, "content-type": "application/json" },
      body: "{}",
    });
    expect(sameOrigin.status).toBe(200);
    const sameSiteReferer = await send("/cache/clear", {
      headers: { cookie, referer: `${t.config.baseUrl}/admin`, "content-type": "application/json" },
      body: "{}",
    });
    expect(sameSiteReferer.status).toBe(200);
    const script = await send("/cache/clear", {
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(script.status).toBe(200);
  });

  it("answers non-JSON bodies on every JSON route with 415, even from a trusted origin", async () => {
    const routes = [
      "/v1/policies",
      "/v1/roles",
      "/v1/users",
      "/v1/admin/create-user",
      "/v1/login",
      "/api/admin/users/",
      "/cache/clear",
      "/i18n/language",
    ];
    for (const type of [
      "application/x-www-form-urlencoded",
      "text/plain",
      "multipart/form-data; boundary=x",
    ]) {
      for (const path of routes) {
        const answer = await send(path, {
          headers: { authorization: `Bearer ${token}`, "content-type": type },
          body: "{}",
        });
        expect({ path, type, status: answer.status }).toEqual({ path, type, status: 415 });
      }
    }
  });
});

describe("Denial of service by deeply nested JSON (item 3)", () => {
  const nested = (depth: number) => `{"a":${"[".repeat(depth)}${"]".repeat(depth)}}`;

  it("answers a 10,000-level body with a 400 in each surface's shape, before any parse", async () => {
    const deep = nested(10_000);
    const json = { "content-type": "application/json" };
    const hasura = await send("/v1/login", { headers: json, body: deep });
    expect(hasura).toEqual({ status: 400, body: { code: "invalid-args", message: expect.any(String) } });
    const auth = await send("/api/auth/sign-in/email", { headers: json, body: deep });
    expect(auth).toEqual({ status: 400, body: { code: "JSON_TOO_DEEP", message: expect.any(String) } });
    const geolens = await send("/api/admin/users/", {
      headers: { ...json, authorization: `Bearer ${token}` },
      body: deep,
    });
    expect(geolens.status).toBe(400);
    expect(Object.keys(geolens.body)).toEqual(["detail"]);
    for (const path of ["/v1/users", "/v1/policies", "/i18n/language", "/cache/clear"]) {
      const native = await send(path, { headers: { ...json, authorization: `Bearer ${token}` }, body: deep });
      expect({ path, status: native.status, code: native.body.code, details: native.body.details }).toEqual({
        path,
        status: 400,
        code: "json_too_deep",
        details: { limit: MAX_JSON_DEPTH },
      });
    }
  });

  it("refuses depth even when the body is not declared as JSON, and counts brackets inside strings as text", async () => {
    const undeclared = await send("/v1/login", { body: nested(6_000) });
    expect(undeclared.status).toBe(400);
    const brackets = `{"provider":"email","data":{"email":"a@b.test","password":"${"[".repeat(500)}"}}`;
    const plain = await send("/v1/login", {
      headers: { "content-type": "application/json" },
      body: brackets,
    });
    expect(plain.status).toBe(400);
    expect(plain.body.code).not.toBe("invalid-args");
  });

  it("accepts a body nested exactly to the limit (it is parsed and validated as usual)", async () => {
    const atLimit = `{"language":${"[".repeat(MAX_JSON_DEPTH - 1)}${"]".repeat(MAX_JSON_DEPTH - 1)}}`;
    const answer = await send("/i18n/language", {
      headers: { "content-type": "application/json" },
      body: atLimit,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.code).not.toBe("json_too_deep");
  });

  it("over a real socket, answers 6,000-deep arrays with a 400, never Bun's error page", async () => {
    const base = await t.listen();
    for (const path of ["/v1/login", "/api/auth/sign-in/email", "/v1/users"]) {
      const response = await fetch(`${base}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "[".repeat(6_000) + "]".repeat(6_000),
      });
      const text = await response.text();
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(text).not.toContain("<html");
    }
  });

  it("serves a throw that escapes the app as a bare JSON 500, without stack, paths or source", async () => {
    const leaky = {
      handle: (): Promise<Response> => {
        throw new RangeError(`Maximum call stack size exceeded in ${import.meta.path}`);
      },
    };
    const server = serve(leaky, { port: 0, hostname: "127.0.0.1", maxBodyBytes: 1024, trustProxy: false });
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/v1/login`, {
        method: "POST",
        body: "{}",
      });
      const text = await response.text();
      expect(response.status).toBe(500);
      expect(response.headers.get("content-type")).toContain("application/json");
      expect(text).not.toContain(import.meta.dir);
      expect(text).not.toContain("RangeError");
      expect(JSON.parse(text).code).toBe("internal_error");
    } finally {
      await server.stop(true);
    }
  });
});

describe("Client address behind proxies (item 5)", () => {
  it("behind an appending proxy, a client cannot pick its own address by writing X-Forwarded-For", async () => {
    const server = serve(t.app, {
      port: 0,
      hostname: "127.0.0.1",
      maxBodyBytes: t.config.maxBodyBytes,
      trustProxy: true,
    });
    try {
      // What nginx's $proxy_add_x_forwarded_for forwards: the client's forged entry, then the real address.
      const response = await fetch(`http://127.0.0.1:${server.port}/api/auth/sign-in/email`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          origin: t.config.baseUrl,
          "x-forwarded-for": "203.0.113.66, 198.51.100.7",
        },
        body: JSON.stringify(ADMIN),
      });
      expect(response.status).toBe(200);
      const { token: signedIn } = (await response.json()) as { token: string };
      const session = await t.request("/api/auth/get-session", { token: signedIn });
      const body = (await session.json()) as { session: { ipAddress: string } };
      expect(body.session.ipAddress).toBe("198.51.100.7");
    } finally {
      await server.stop(true);
    }
  });
});

describe("Security headers, trusted origins and metrics (item 16)", () => {
  it("every answer, refusals included, forbids sniffing, framing and caching", async () => {
    const answers = [
      await t.request("/health"),
      await t.request("/no/such/route"),
      await t.request("/api/auth/sign-in/email", {
        json: { email: ADMIN.email, password: "wrong-password-1" },
      }),
      await sendRaw("/v1/users", { headers: { "content-length": String(t.config.maxBodyBytes + 1) } }),
      await sendRaw("/v1/login", { headers: { "content-type": "application/json" }, body: "[".repeat(100) }),
    ];
    for (const answer of answers) {
      expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
      expect(answer.headers.get("cache-control")).toBe("no-store");
      expect(answer.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(answer.headers.get("strict-transport-security")).toBeNull();
    }
  });

  it("credential-bearing answers (sign-in, token, a new API key) are never stored by a cache", async () => {
    const signIn = await t.request("/api/auth/sign-in/email", { json: ADMIN });
    expect(signIn.status).toBe(200);
    expect(signIn.headers.getSetCookie().length).toBeGreaterThan(0);
    const jwt = await t.request("/api/auth/token", { token });
    expect(jwt.status).toBe(200);
    const owner = await signUp(t, "Header Owner");
    const tenant = await createTenant(t, owner.token, "headers");
    const key = await t.request("/v1/api-keys", {
      token: owner.token,
      headers: { "x-tenant-id": tenant },
      json: { name: "ci", roles: ["admin"] },
    });
    expect(key.status).toBe(201);
    for (const answer of [signIn, jwt, key]) expect(answer.headers.get("cache-control")).toBe("no-store");
  });

  it("the docs page gets a restrictive page policy and cannot be framed", async () => {
    const page = await t.request("/docs");
    expect(page.headers.get("content-type")).toContain("text/html");
    const policy = page.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("object-src 'none'");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
  });

  it("with an https BASE_URL, answers pin https (Strict-Transport-Security)", async () => {
    const secure = await createTestApp({ env: { BASE_URL: "https://id.gatehouse.test" } });
    try {
      const answer = await secure.request("/health");
      expect(answer.headers.get("strict-transport-security")).toMatch(/^max-age=\d+/);
    } finally {
      await secure.close();
    }
  });

  it("refuses TRUSTED_ORIGINS=* at start-up (every site would ride the session cookie)", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-origins-"));
    try {
      const env = { NODE_ENV: "test", DATA_DIR: dataDir, AUTH_SECRET: "x".repeat(40) };
      expect(() => loadConfig({ ...env, TRUSTED_ORIGINS: "*" }, () => {})).toThrow(/TRUSTED_ORIGINS/);
      expect(() => loadConfig({ ...env, TRUSTED_ORIGINS: "https://app.test, *" }, () => {})).toThrow(
        /TRUSTED_ORIGINS/,
      );
      expect(loadConfig({ ...env, TRUSTED_ORIGINS: "https://*.app.test" }, () => {}).trustedOrigins).toEqual([
        "https://*.app.test",
      ]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("with METRICS_TOKEN set, an anonymous or non-admin scrape of /metrics and /cache/metrics is refused", async () => {
    const guarded = await createTestApp({ env: { METRICS_TOKEN: "metrics-token-0123456789" } });
    try {
      const admin = await guarded.signIn(ADMIN.email, ADMIN.password);
      const user = await signUp(guarded, "Scraper");
      for (const path of ["/metrics", "/cache/metrics"]) {
        const anonymous = await guarded.request(path);
        expect({ path, status: anonymous.status }).toEqual({ path, status: 401 });
        expect(((await anonymous.json()) as { code: string }).code).toBe("unauthenticated");
        expect((await guarded.request(path, { token: "wrong-token" })).status).toBe(401);
        expect((await guarded.request(path, { token: user.token })).status).toBe(403);
        expect((await guarded.request(path, { token: "metrics-token-0123456789" })).status).toBe(200);
        expect((await guarded.request(path, { token: admin })).status).toBe(200);
      }
    } finally {
      await guarded.close();
    }
  });
});

describe("Enumeration (item 16)", () => {
  it("an anonymous /v1 caller cannot tell an unknown tenant from an existing one", async () => {
    const owner = await signUp(t, "Enum Owner");
    const tenant = await createTenant(t, owner.token, "enum");
    for (const path of ["/v1/users", "/v1/roles", "/v1/policies", "/v1/api-keys"]) {
      const known = await send(path, { method: "GET", headers: { "x-tenant-id": tenant } });
      const unknown = await send(path, { method: "GET", headers: { "x-tenant-id": "no-such-tenant" } });
      expect({ path, known: known.status, unknown: unknown.status }).toEqual({
        path,
        known: 401,
        unknown: 401,
      });
      expect(unknown.body).toEqual(known.body);
    }
  });

  it("is-username-available cannot be used to scan a list of names from one address", async () => {
    const limited = await createTestApp({ env: { RATE_LIMIT_ENABLED: "true" } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) {
        const answer = await limited.request("/api/auth/is-username-available", {
          json: { username: `scan_${i}` },
          ip: "203.0.113.40",
        });
        statuses.push(answer.status);
      }
      expect(statuses.slice(0, 20).every((status) => status === 200)).toBe(true);
      expect(statuses.slice(20)).toEqual([429, 429, 429, 429, 429]);
      const other = await limited.request("/api/auth/is-username-available", {
        json: { username: "scan_other" },
        ip: "203.0.113.41",
      });
      expect(other.status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
