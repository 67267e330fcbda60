/**
 * Every method+path of the seed-000 endpoint list (test/fixtures/seed000-endpoints.tsv) is
 * routed: with a valid admin Bearer token and an empty JSON body it never gets a route-not-found 404 and never a
 * 5xx. Run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { seedEndpoints } from "../../test/helpers/fixtures.ts";
import { ADMIN, createTestApp, type TestApp } from "../../test/helpers/test-app.ts";

/** The seed's count (docs/contracts.md): 77 method+path pairs under /api/auth. */
const SEED_ENDPOINT_COUNT = 77;

interface Endpoint {
  readonly method: string;
  readonly path: string;
}

function readEndpoints(): Endpoint[] {
  return seedEndpoints().map(([method, path], index) => {
    if (!/^(GET|POST|PUT|PATCH|DELETE)$/.test(method) || !path?.startsWith("/api/auth/")) {
      throw new Error(
        `seed000-endpoints.tsv line ${index + 1} is not "METHOD<TAB>/api/auth/...": ${method} ${path}`,
      );
    }
    return { method, path };
  });
}

const endpoints = readEndpoints();
const dialect = process.env.TEST_DATABASE_URL ? "PostgreSQL" : "SQLite";

let t: TestApp;
let adminId = "";
beforeAll(async () => {
  t = await createTestApp();
  const context = await t.deps.auth.$context;
  const found = await context.internalAdapter.findUserByEmail(ADMIN.email);
  if (!found) throw new Error("the platform admin was not created at start-up");
  adminId = found.user.id;
});
afterAll(() => t.close());

/**
 * A fresh admin session per request: some endpoints (sign-out, revoke-sessions) end the session they are called
 * with, and the next endpoint must still be called as a signed-in admin.
 */
async function adminToken(): Promise<string> {
  const context = await t.deps.auth.$context;
  return (await context.internalAdapter.createSession(adminId)).token;
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

async function call({ method, path }: Endpoint): Promise<Answer> {
  const token = await adminToken();
  const response = await t.request(path.replace(/:[A-Za-z]+/g, "probe"), {
    method,
    token,
    ...(method === "GET" ? {} : { json: {} }),
  });
  return { status: response.status, body: await response.text() };
}

/**
 * Not routed: better-auth's router answers an unknown path or method with an empty 404, which Gatehouse gives the
 * generic code NOT_FOUND (src/i18n/auth-errors.ts); the app's own router answers with its `not_found` envelope. A
 * 404 with any other code comes from a routed endpoint (e.g. INVITATION_NOT_FOUND).
 */
function isRouteNotFound({ status, body }: Answer): boolean {
  // A known path asked with another method is 405 (src/http/better-auth/routes.ts): not routed either.
  if (status === 405) return body.includes("METHOD_NOT_ALLOWED") || body.includes("method_not_allowed");
  if (status !== 404) return false;
  if (body.trim() === "") return true;
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code;
    return code === "not_found" || code === "NOT_FOUND";
  } catch {
    return false;
  }
}

describe(`seed-000 endpoint list (${dialect})`, () => {
  it(`lists ${SEED_ENDPOINT_COUNT} distinct method+path pairs`, () => {
    const distinct = new Set(endpoints.map(({ method, path }) => `${method} ${path}`));
    expect(endpoints.length).toBe(SEED_ENDPOINT_COUNT);
    expect(distinct.size).toBe(SEED_ENDPOINT_COUNT);
  });

  it("recognises an unrouted path or method as route-not-found", async () => {
    for (const endpoint of [
      { method: "POST", path: "/api/auth/no-such-endpoint" },
      { method: "GET", path: "/api/auth/sign-in/email" },
      { method: "DELETE", path: "/api/auth/organization/create" },
    ]) {
      expect(isRouteNotFound(await call(endpoint))).toBe(true);
    }
    const outside = await t.request("/no-such-route");
    expect(isRouteNotFound({ status: outside.status, body: await outside.text() })).toBe(true);
  });
});

describe(`every seed-000 endpoint is routed (${dialect})`, () => {
  for (const endpoint of endpoints) {
    it(`${endpoint.method} ${endpoint.path} is routed and answers below 500`, async () => {
      const answer = await call(endpoint);
      const summary = `${answer.status} ${answer.body.slice(0, 200)}`;
      expect({ routed: !isRouteNotFound(answer), summary }).toEqual({ routed: true, summary });
      expect({ serverError: answer.status >= 500, summary }).toEqual({ serverError: false, summary });
    });
  }
});
