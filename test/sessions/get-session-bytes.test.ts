/**
 * GET /api/auth/get-session answered from the shared store (src/auth/session-fast/) is better-auth's own
 * answer, byte for byte: for each case the same app answers once with the fast path and once with it bypassed
 * (every request through better-auth's handler), and status, headers and body must be equal. The cases the
 * fast path leaves to better-auth (a refresh due, a session_data cookie, query parameters, a bad signature)
 * are checked to still get better-auth's writes and cookies. A request with no session credential at all is
 * answered `null` as better-auth answers it.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { fastSessionsOf } from "../../src/auth/session-fast/index.ts";
import { ADMIN, createTestApp, type TestApp } from "../helpers/test-app.ts";

let t: TestApp;
const PASSWORD = "bytes-password-1";

interface Answer {
  readonly status: number;
  readonly headers: [string, string][];
  readonly body: string;
}

async function answer(response: Response): Promise<Answer> {
  const headers: [string, string][] = [];
  response.headers.forEach((value, name) => {
    headers.push([name, value]);
  });
  return { status: response.status, headers: headers.sort(), body: await response.text() };
}

/** The same request answered with the fast path and with every request through better-auth. */
async function bothWays(
  path: string,
  headers: Record<string, string>,
): Promise<{ fast: Answer; own: Answer }> {
  const fast = fastSessionsOf(t.deps.auth);
  const fastAnswer = await answer(await t.request(path, { headers }));
  fast.bypass = true;
  try {
    return { fast: fastAnswer, own: await answer(await t.request(path, { headers })) };
  } finally {
    fast.bypass = false;
  }
}

/** Whether the fast path itself answers for these headers (so that a comparison compares something). */
async function answeredFast(headers: Record<string, string>): Promise<boolean> {
  return (await fastSessionsOf(t.deps.auth).sessionOf(new Headers(headers))) !== undefined;
}

async function signIn(email: string, rememberMe = true): Promise<{ token: string; cookie: string }> {
  const response = await t.request("/api/auth/sign-in/email", {
    json: { email, password: PASSWORD, rememberMe },
  });
  expect(response.status).toBe(200);
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  return { token: ((await response.json()) as { token: string }).token, cookie };
}

/** Moves a session's expiry in the database and in the store, as if it had been issued `daysAgo` days ago. */
async function age(token: string, daysAgo: number): Promise<void> {
  const expiresAt = new Date(Date.now() + (7 - daysAgo) * 86_400_000);
  const { adapter } = await t.deps.auth.$context;
  await adapter.update({
    model: "session",
    where: [{ field: "token", value: token }],
    update: { expiresAt },
  });
  const stored = JSON.parse((await t.deps.cache.get(token)) ?? "null") as { session: { expiresAt: string } };
  stored.session.expiresAt = expiresAt.toISOString();
  await t.deps.cache.set(token, JSON.stringify(stored), 7 * 86_400);
}

beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.signIn(ADMIN.email, ADMIN.password);
  for (const email of ["bytes@example.com", "refresh@example.com"]) {
    const created = await t.request("/api/auth/admin/create-user", {
      json: { email, password: PASSWORD, name: "Byte Wise", role: "user" },
      token: admin,
    });
    expect(created.status).toBe(200);
  }
});

afterAll(async () => {
  await t?.close();
});

describe("GET /api/auth/get-session from the shared store", () => {
  it("answers a bearer token exactly as better-auth does", async () => {
    const { token } = await signIn("bytes@example.com");
    const headers = { authorization: `Bearer ${token}` };
    expect(await answeredFast(headers)).toBe(true);
    const { fast, own } = await bothWays("/api/auth/get-session", headers);
    expect(fast.status).toBe(200);
    expect(JSON.parse(fast.body).user.email).toBe("bytes@example.com");
    expect(fast).toEqual(own);
  });

  it("answers the signed session cookie exactly as better-auth does", async () => {
    const { cookie } = await signIn("bytes@example.com");
    expect(cookie).toContain("session_token=");
    const headers = { cookie };
    expect(await answeredFast(headers)).toBe(true);
    const { fast, own } = await bothWays("/api/auth/get-session", headers);
    expect(fast.status).toBe(200);
    expect(fast.headers.some(([name]) => name === "set-cookie")).toBe(false);
    expect(fast).toEqual(own);
  });

  it("answers a dontRememberMe session (due for a refresh it never gets) exactly as better-auth does", async () => {
    const { cookie } = await signIn("bytes@example.com", false);
    expect(cookie).toContain("dont_remember=");
    const headers = { cookie };
    expect(await answeredFast(headers)).toBe(true);
    const { fast, own } = await bothWays("/api/auth/get-session", headers);
    expect(fast.status).toBe(200);
    expect(fast).toEqual(own);
  });

  it("answers a request with no session credential exactly as better-auth does: null", async () => {
    const { cookie } = await signIn("bytes@example.com");
    const tampered = cookie.replace(/session_token=[^.]+/, "session_token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    const anonymous: Record<string, string>[] = [{}, { cookie: "theme=dark; lang=de" }, { cookie: tampered }];
    for (const headers of anonymous) {
      expect(await answeredFast(headers)).toBe(true);
      const { fast, own } = await bothWays("/api/auth/get-session", headers);
      expect(fast.status).toBe(200);
      expect(fast.body).toBe("null");
      expect(fast).toEqual(own);
    }
  });

  it("leaves a session due for its refresh to better-auth, which extends it and sets the cookie again", async () => {
    const { token, cookie } = await signIn("refresh@example.com");
    await age(token, 2);
    const before = Date.now();
    expect(await answeredFast({ cookie })).toBe(false);
    const response = await t.request("/api/auth/get-session", { headers: { cookie } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { session: { expiresAt: string } };
    expect(new Date(body.session.expiresAt).getTime()).toBeGreaterThan(before + 6.9 * 86_400_000);
    expect(response.headers.getSetCookie().some((line) => line.includes("session_token="))).toBe(true);
    const { adapter } = await t.deps.auth.$context;
    const row = await adapter.findOne<{ expiresAt: Date }>({
      model: "session",
      where: [{ field: "token", value: token }],
    });
    expect(row?.expiresAt.getTime()).toBeGreaterThan(before + 6.9 * 86_400_000);
    // Refreshed, it is the common case again.
    expect(await answeredFast({ cookie })).toBe(true);
  });

  it("gives the unusual requests better-auth's own answers", async () => {
    const { token, cookie } = await signIn("bytes@example.com");
    const tampered = cookie.replace(/session_token=[^.]+/, "session_token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    const cases: [string, Record<string, string>][] = [
      ["/api/auth/get-session", { cookie: `${cookie}; gatehouse.session_data=stale` }],
      ["/api/auth/get-session?disableRefresh=true", { authorization: `Bearer ${token}` }],
      ["/api/auth/get-session", { cookie: tampered }],
      ["/api/auth/get-session", { authorization: "Bearer not-a-session-token" }],
      ["/api/auth/get-session", {}],
    ];
    for (const [path, headers] of cases) {
      const { fast, own } = await bothWays(path, headers);
      expect(fast).toEqual(own);
    }
    // The session_data cookie is cleared, as better-auth does without a cookie cache.
    const cleared = await t.request("/api/auth/get-session", {
      headers: { cookie: `${cookie}; gatehouse.session_data=stale` },
    });
    expect(cleared.headers.getSetCookie().some((line) => line.startsWith("gatehouse.session_data="))).toBe(
      true,
    );
  });

  it("refuses a signed-out session on its next request", async () => {
    const { token, cookie } = await signIn("bytes@example.com");
    expect(await answeredFast({ cookie })).toBe(true);
    const out = await t.request("/api/auth/sign-out", { method: "POST", headers: { cookie } });
    expect(out.status).toBe(200);
    const credentials: Record<string, string>[] = [{ cookie }, { authorization: `Bearer ${token}` }];
    for (const headers of credentials) {
      const response = await t.request("/api/auth/get-session", { headers });
      expect(response.status).toBe(200);
      expect(await response.json()).toBeNull();
    }
  });
});

describe("GET /api/auth/get-session from the shared store, with rate limits on", () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await createTestApp({
      env: { RATE_LIMIT_ENABLED: "true", RATE_LIMIT_MAX: "5", RATE_LIMIT_WINDOW: "60" },
    });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it("counts its answers against better-auth's per-address limit, and the one past it gets better-auth's 429", async () => {
    const token = await limited.signIn(ADMIN.email, ADMIN.password);
    expect(
      await fastSessionsOf(limited.deps.auth).sessionOf(new Headers({ authorization: `Bearer ${token}` })),
    ).toBeDefined();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await limited.request("/api/auth/get-session", { token, ip: "203.0.113.9" });
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    // Another address has its own count.
    expect((await limited.request("/api/auth/get-session", { token, ip: "203.0.113.10" })).status).toBe(200);
  });

  it("counts the server's fast answers per client address, which a client cannot choose", async () => {
    const bearer = await limited.signIn(ADMIN.email, ADMIN.password);
    const url = `${await limited.listen()}/api/auth/get-session`;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      // A client's own copy of the internal address header changes nothing: the server's stamp replaces it.
      const response = await fetch(url, {
        headers: { authorization: `Bearer ${bearer}`, "x-gatehouse-client-ip": `10.0.0.${i}` },
      });
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });
});
