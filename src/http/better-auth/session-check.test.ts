/**
 * GET /api/auth/get-session over HTTP takes the server's fast path (session-check.ts): the answer the app's
 * route gives, byte for byte and header for header, counted in the same metrics and the same rate limit, for a
 * live session and for none at all; every request it does not answer itself (an unknown token, a revoked
 * session, a body, oversized headers) gets the app's answer. Revocation over HTTP on two nodes:
 * test/sessions/revocation-two-nodes.test.ts; the rate limit over HTTP: test/sessions/get-session-bytes.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { requestCount } from "../../../test/helpers/metrics.ts";
import { ADMIN, createTestApp, type TestApp } from "../../../test/helpers/test-app.ts";

let t: TestApp;
let base: string;
let token = "";
let cookie = "";

beforeAll(async () => {
  t = await createTestApp();
  base = await t.listen();
  const signedIn = await t.request("/api/auth/sign-in/email", {
    json: { email: ADMIN.email, password: ADMIN.password },
  });
  token = ((await signedIn.json()) as { token: string }).token;
  cookie = signedIn.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
});
afterAll(() => t.close());

/** Status, headers (but the date and length, which only the socket adds) and body of an answer. */
async function answer(response: Response) {
  const headers: [string, string][] = [];
  response.headers.forEach((value, name) => {
    if (name !== "date" && name !== "content-length") headers.push([name, value]);
  });
  return { status: response.status, headers: headers.sort(), body: await response.text() };
}

/** The app's own answer, in-process: Elysia, the pipeline and the route (routes.ts). */
const routed = (headers: Record<string, string>) =>
  t.app.handle(new Request(`${t.baseUrl}/api/auth/get-session`, { headers }));

/** The fast path's answer to a request, or undefined when it leaves the request to the app. */
const checked = (headers: Record<string, string>, init: RequestInit = {}, stampAddress = () => {}) =>
  t.app.checkSession(new Request(`${t.baseUrl}/api/auth/get-session`, { headers, ...init }), stampAddress);

/** The count of GET /api/auth/get-session answered 200, from the metrics. */
const sessionCheckCount = () => requestCount(t, "GET", "/api/auth/get-session", 200);

describe("GET /api/auth/get-session's fast path", () => {
  it("answers by cookie and by bearer the status, headers and bytes of the app's route", async () => {
    const credentials: Record<string, string>[] = [{ cookie }, { authorization: `Bearer ${token}` }];
    for (const headers of credentials) {
      const fast = await answer(await (checked(headers) as Promise<Response>));
      const overHttp = await answer(await fetch(`${base}/api/auth/get-session`, { headers }));
      const app = await answer(await routed(headers));
      expect(fast.status).toBe(200);
      expect(JSON.parse(fast.body).user.email).toBe(ADMIN.email);
      expect(fast).toEqual(app);
      expect(overHttp).toEqual(app);
      expect(fast.headers).toContainEqual(["x-content-type-options", "nosniff"]);
      expect(fast.headers).toContainEqual(["cache-control", "no-store"]);
      expect(fast.headers).toContainEqual(["pragma", "no-cache"]);
    }
  });

  it("is counted in the request metrics as the route is", async () => {
    const before = await sessionCheckCount();
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${base}/api/auth/get-session`, { headers: { cookie } });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    expect(await sessionCheckCount()).toBe(before + 3);
  });

  // Over HTTP, headers this large are refused by Bun itself unless started as `npm start` does
  // (request-limits.test.ts); the app's 431 for them is the pipeline's.
  it("leaves to the app what the pipeline would refuse", () => {
    const bearer = { authorization: `Bearer ${token}` };
    expect(checked({ ...bearer, "x-padding": "a".repeat(20 * 1024) })).toBeUndefined();
    expect(checked({ ...bearer, "content-length": "0" })).toBeUndefined();
    expect(checked({ ...bearer, "transfer-encoding": "chunked" })).toBeUndefined();
    expect(checked(bearer, { method: "HEAD" })).toBeUndefined();
    expect(checked(bearer)).toBeDefined();
  });

  it("stamps the client address only for the app, with the rate limit off", async () => {
    let stamped = 0;
    const stamp = () => {
      stamped++;
    };
    expect((await checked({ authorization: `Bearer ${token}` }, {}, stamp))?.status).toBe(200);
    expect(stamped).toBe(0);
    expect(await (await checked({}, {}, stamp))?.text()).toBe("null");
    expect(stamped).toBe(0);
    // A token the store does not know: the app answers, with the address stamped as for any request.
    const unknown = { authorization: "Bearer not-a-session-token-at-all-000" };
    expect(await (await checked(unknown, {}, stamp))?.text()).toBe("null");
    expect(stamped).toBe(1);
  });

  it("gives the app's answers over HTTP to what it does not answer itself", async () => {
    // No credential, a made-up token: better-auth's `null`.
    const credentials: Record<string, string>[] = [
      {},
      { authorization: "Bearer not-a-session-token-at-all-000" },
    ];
    for (const headers of credentials) {
      const response = await fetch(`${base}/api/auth/get-session`, { headers });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("null");
    }
    // A signed-out session, on the request right after the sign-out.
    const other = await t.signIn(ADMIN.email, ADMIN.password);
    const before = await fetch(`${base}/api/auth/get-session`, {
      headers: { authorization: `Bearer ${other}` },
    });
    expect(((await before.json()) as { session: { token: string } }).session.token).toBe(other);
    expect((await t.request("/api/auth/sign-out", { method: "POST", token: other })).status).toBe(200);
    const after = await fetch(`${base}/api/auth/get-session`, {
      headers: { authorization: `Bearer ${other}` },
    });
    expect(after.status).toBe(200);
    expect(await after.text()).toBe("null");
  });
});
