/**
 * Every surface answers every status in its own documented shape (issue "One error model"): for each surface ×
 * status, a request that provokes it, the status, and the body's keys and types. The shapes:
 * better-auth `{code, message}`, native `{code, error, message, details?, notices?}`, GeoLens `{detail}` (422:
 * FastAPI's list), Hasura `{code, message}`, the hosted pages an HTML page (layout, a heading, the status).
 *
 * Not every status exists on every surface; the table says why where a cell is left out:
 * - better-auth has no typed path parameter (its two, /callback/:id and /reset-password/:token, take any text).
 * 431 is produced by the app for requests that reach it (in-process, or through a proxy); Bun's own server
 * refuses larger headers first, with a bare 431 (src/http/pipeline/request-limits.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { sql } from "kysely";
import { ADMIN, createTestApp, type TestApp } from "../../test/helpers/test-app.ts";
import { MAX_HEADER_BYTES } from "./pipeline/request-limits.ts";

type Shape = "better-auth" | "native" | "geolens" | "geolens-422" | "hasura" | "pages";

type Json = Record<string, unknown>;

/** The body's keys and types, per shape; returns what is wrong (empty when it conforms). */
function problemsOf(shape: Shape, body: unknown): string[] {
  if (shape === "pages") {
    if (typeof body !== "string") return ["not an HTML page"];
    const problems: string[] = [];
    if (!body.startsWith("<!doctype html>")) problems.push("no doctype");
    if (!/<html lang="[a-zA-Z-]+">/.test(body)) problems.push("no html lang");
    if (!/<h1>[^<]+<\/h1>/.test(body)) problems.push("no heading");
    if (/stack|user_gone|no such table|\.ts:\d/i.test(body)) problems.push("leaks internals");
    return problems;
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return ["not a JSON object"];
  const b = body as Json;
  const keys = Object.keys(b).sort();
  const problems: string[] = [];
  const string = (key: string) => {
    if (typeof b[key] !== "string" || b[key] === "") problems.push(`${key} is not a non-empty string`);
  };
  const only = (allowed: readonly string[]) => {
    const extra = keys.filter((k) => !allowed.includes(k));
    if (extra.length > 0) problems.push(`unexpected keys ${extra.join(", ")}`);
  };
  switch (shape) {
    case "better-auth":
      string("code");
      string("message");
      // Localized bodies keep the original wording in `detail`.
      only(["code", "message", "detail"]);
      break;
    case "hasura":
      string("code");
      string("message");
      only(["code", "message"]);
      if (!/^[a-z]+(-[a-z]+)*$/.test(String(b.code)))
        problems.push(`code ${b.code} is not Hasura's kebab-case`);
      break;
    case "native":
      string("code");
      string("message");
      if (b.error !== b.code) problems.push("error does not equal code");
      if (b.details !== undefined && (typeof b.details !== "object" || b.details === null))
        problems.push("details is not an object");
      if (b.notices !== undefined && !Array.isArray(b.notices)) problems.push("notices is not an array");
      only(["code", "error", "message", "details", "notices"]);
      break;
    case "geolens":
      string("detail");
      only(["detail"]);
      break;
    case "geolens-422": {
      only(["detail"]);
      const detail = b.detail;
      if (!Array.isArray(detail) || detail.length === 0) {
        problems.push("detail is not a non-empty list");
        break;
      }
      for (const issue of detail as Json[]) {
        if (
          !Array.isArray(issue.loc) ||
          !issue.loc.every((p) => typeof p === "string" || typeof p === "number")
        )
          problems.push("loc is not a list of strings and numbers");
        if (typeof issue.msg !== "string") problems.push("msg is not a string");
        if (typeof issue.type !== "string") problems.push("type is not a string");
        const extra = Object.keys(issue).filter((k) => !["loc", "msg", "type", "input", "ctx"].includes(k));
        if (extra.length > 0) problems.push(`unexpected issue keys ${extra.join(", ")}`);
      }
      break;
    }
  }
  return problems;
}

interface Probe {
  readonly method?: string;
  readonly path: string;
  readonly json?: unknown;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  /** Sign in as the platform admin. */
  readonly admin?: boolean;
  /** A hosted page's form: posted urlencoded with the CSRF cookie and token of a fresh GET /sign-in. */
  readonly form?: Record<string, string>;
  /** With `form`: post this token instead of the right one. */
  readonly csrf?: string;
}

interface Row {
  readonly surface: string;
  readonly status: number;
  readonly what: string;
  readonly shape: Shape;
  readonly probe: Probe;
  /** Requests sent first from the same address (to reach a rate limit). */
  readonly repeat?: number;
}

const UUID = "6f1c2e3a-1b2c-4d5e-8f90-123456789abc";
/** A Content-Length above MAX_BODY_BYTES (1 MiB by default); the body itself is never read. */
const TOO_LARGE = { "content-length": String(64 * 1024 * 1024) };
const HUGE_HEADER = { "x-filler": "x".repeat(MAX_HEADER_BYTES + 1) };
const TEXT = { "content-type": "text/plain" };

const ROWS: readonly Row[] = [
  // better-auth
  {
    surface: "better-auth",
    status: 401,
    what: "its own refusal",
    shape: "better-auth",
    probe: {
      path: "/api/auth/sign-in/email",
      json: { email: "nobody@example.com", password: "wrong-password" },
    },
  },
  {
    surface: "better-auth",
    status: 400,
    what: "validation",
    shape: "better-auth",
    probe: { path: "/api/auth/sign-in/email", json: { email: 42 } },
  },
  {
    surface: "better-auth",
    status: 404,
    what: "unknown route",
    shape: "better-auth",
    probe: { path: "/api/auth/nope" },
  },
  {
    surface: "better-auth",
    status: 413,
    what: "body too large",
    shape: "better-auth",
    probe: { method: "POST", path: "/api/auth/sign-in/email", headers: TOO_LARGE },
  },
  {
    surface: "better-auth",
    status: 415,
    what: "unsupported content type",
    shape: "better-auth",
    probe: { method: "POST", path: "/api/auth/sign-in/email", body: "hello", headers: TEXT },
  },
  {
    surface: "better-auth",
    status: 429,
    what: "rate limited",
    shape: "better-auth",
    probe: {
      path: "/api/auth/sign-in/email",
      json: { email: "nobody@example.com", password: "wrong-password" },
    },
    // Brute-force detection: the 6th attempt on one account after 5 wrong passwords.
    repeat: 5,
  },
  {
    surface: "better-auth",
    status: 431,
    what: "headers too large",
    shape: "better-auth",
    probe: { path: "/api/auth/get-session", headers: HUGE_HEADER },
  },
  // native (/v1 and the ops routes)
  { surface: "native", status: 401, what: "its own refusal", shape: "native", probe: { path: "/v1/users" } },
  {
    surface: "native",
    status: 400,
    what: "validation",
    shape: "native",
    probe: { path: "/v1/users", json: { email: 42 }, admin: true },
  },
  {
    surface: "native",
    status: 400,
    what: "bad path parameter",
    shape: "native",
    probe: { method: "DELETE", path: `/v1/api-keys/${"k".repeat(65)}`, admin: true },
  },
  {
    surface: "native",
    status: 400,
    what: "undecodable path parameter",
    shape: "native",
    probe: { path: "/v1/users/%zz", admin: true },
  },
  { surface: "native", status: 404, what: "unknown route", shape: "native", probe: { path: "/v1/nope" } },
  {
    surface: "native",
    status: 404,
    what: "unknown ops route",
    shape: "native",
    probe: { path: "/health/nope" },
  },
  {
    surface: "native",
    status: 405,
    what: "known path, wrong method",
    shape: "native",
    probe: { method: "DELETE", path: "/v1/users", admin: true },
  },
  {
    surface: "native",
    status: 413,
    what: "body too large",
    shape: "native",
    probe: { method: "POST", path: "/v1/users", headers: TOO_LARGE },
  },
  {
    surface: "native",
    status: 415,
    what: "unsupported content type",
    shape: "native",
    probe: { method: "POST", path: "/v1/users", body: "hello", headers: TEXT, admin: true },
  },
  {
    surface: "native",
    status: 429,
    what: "rate limited",
    shape: "native",
    // Public sign-ups through POST /v1/users: 3 a minute per address.
    probe: { path: "/v1/users", json: { email: 1 } },
    repeat: 3,
  },
  {
    surface: "native",
    status: 431,
    what: "headers too large",
    shape: "native",
    probe: { path: "/v1/users", headers: HUGE_HEADER },
  },
  // GeoLens
  {
    surface: "geolens",
    status: 401,
    what: "its own refusal",
    shape: "geolens",
    probe: { path: "/api/admin/users/" },
  },
  {
    surface: "geolens",
    status: 422,
    what: "validation",
    shape: "geolens-422",
    probe: { path: "/api/admin/users/", json: { username: "x" }, admin: true },
  },
  {
    surface: "geolens",
    status: 422,
    what: "bad path parameter (FastAPI answers 422 uuid_parsing)",
    shape: "geolens-422",
    probe: { path: "/api/admin/users/not-a-uuid", admin: true },
  },
  {
    surface: "geolens",
    status: 422,
    what: "undecodable path parameter",
    shape: "geolens-422",
    probe: { path: "/api/admin/users/%zz", admin: true },
  },
  {
    surface: "geolens",
    status: 404,
    what: "unknown route",
    shape: "geolens",
    probe: { path: `/api/admin/users/${UUID}/nope`, admin: true },
  },
  {
    surface: "geolens",
    status: 405,
    what: "known path, wrong method",
    shape: "geolens",
    probe: { method: "PUT", path: `/api/admin/users/${UUID}`, json: {}, admin: true },
  },
  {
    surface: "geolens",
    status: 413,
    what: "body too large",
    shape: "geolens",
    probe: { method: "POST", path: "/api/admin/users/", headers: TOO_LARGE },
  },
  {
    surface: "geolens",
    status: 415,
    what: "unsupported content type",
    shape: "geolens",
    probe: { method: "POST", path: "/api/admin/users/", body: "hello", headers: TEXT, admin: true },
  },
  {
    surface: "geolens",
    status: 429,
    what: "rate limited",
    shape: "geolens",
    // The admin API's flood limit: 600 a minute per address (src/http/pipeline/rate-limit/rules.ts).
    probe: { path: "/api/admin/users/" },
    repeat: 600,
  },
  {
    surface: "geolens",
    status: 431,
    what: "headers too large",
    shape: "geolens",
    probe: { path: "/api/admin/users/", headers: HUGE_HEADER },
  },
  // Hasura
  {
    surface: "hasura",
    status: 401,
    what: "its own refusal",
    shape: "hasura",
    probe: { path: "/v1/user/info" },
  },
  {
    surface: "hasura",
    status: 400,
    what: "validation",
    shape: "hasura",
    probe: { path: "/v1/admin/create-user", json: { provider: "username" }, admin: true },
  },
  {
    surface: "hasura",
    status: 400,
    what: "bad path parameter",
    shape: "hasura",
    probe: { path: "/v1/admin/user/not-a-number", admin: true },
  },
  {
    surface: "hasura",
    status: 404,
    what: "unknown route",
    shape: "hasura",
    probe: { path: "/v1/admin/nope" },
  },
  {
    surface: "hasura",
    status: 405,
    what: "known path, wrong method",
    shape: "hasura",
    probe: { method: "GET", path: "/v1/login" },
  },
  {
    surface: "hasura",
    status: 413,
    what: "body too large",
    shape: "hasura",
    probe: { method: "POST", path: "/v1/login", headers: TOO_LARGE },
  },
  {
    surface: "hasura",
    status: 415,
    what: "unsupported content type",
    shape: "hasura",
    probe: { method: "POST", path: "/v1/login", body: "hello", headers: TEXT },
  },
  {
    surface: "hasura",
    status: 429,
    what: "rate limited",
    shape: "hasura",
    probe: {
      path: "/v1/login",
      json: { provider: "username", data: { username: "nobody", password: "wrong-password" } },
    },
    // Brute-force detection: the 6th attempt on one account after 5 wrong passwords.
    repeat: 5,
  },
  {
    surface: "hasura",
    status: 431,
    what: "headers too large",
    shape: "hasura",
    probe: { path: "/v1/user/info", headers: HUGE_HEADER },
  },
  // the hosted pages: every status an HTML page
  {
    surface: "pages",
    status: 400,
    what: "a reset link without its token",
    shape: "pages",
    probe: { path: "/reset-password" },
  },
  {
    surface: "pages",
    status: 403,
    what: "a form without the right CSRF token",
    shape: "pages",
    probe: { path: "/sign-in", form: { identifier: "nobody@example.com", password: "x" }, csrf: "forged" },
  },
  { surface: "pages", status: 404, what: "unknown page", shape: "pages", probe: { path: "/sign-in/nope" } },
  {
    surface: "pages",
    status: 405,
    what: "wrong method",
    shape: "pages",
    probe: { method: "DELETE", path: "/sign-in" },
  },
  {
    surface: "pages",
    status: 413,
    what: "body too large",
    shape: "pages",
    probe: { method: "POST", path: "/sign-in", headers: TOO_LARGE },
  },
  {
    surface: "pages",
    status: 429,
    what: "rate limited",
    shape: "pages",
    probe: { path: "/sign-in", form: { identifier: "nobody@example.com", password: "wrong-password" } },
    repeat: 5,
  },
  {
    surface: "pages",
    status: 431,
    what: "headers too large",
    shape: "pages",
    probe: { path: "/sign-in", headers: HUGE_HEADER },
  },
];

let t: TestApp;
let admin: string;
let address = 0;
/** Each row from its own client address, so that no row spends another's rate limit. */
const nextIp = () => `198.51.100.${++address}`;

async function send(app: TestApp, probe: Probe, ip: string, token?: string): Promise<Response> {
  if (probe.form) {
    const page = await app.request("/sign-in", { ip });
    const cookie = page.headers
      .getSetCookie()
      .map((line) => line.split(";")[0])
      .join("; ");
    const csrf = probe.csrf ?? /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
    return app.request(probe.path, {
      ip,
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...probe.form, csrf }).toString(),
    });
  }
  const init: RequestInit & { json?: unknown; token?: string; ip?: string } = {
    ip,
    headers: probe.headers ?? {},
    ...(probe.method ? { method: probe.method } : {}),
    ...(probe.json !== undefined ? { json: probe.json } : {}),
    ...(probe.body !== undefined ? { body: probe.body, method: probe.method ?? "POST" } : {}),
    ...(token ? { token } : {}),
  };
  return app.request(probe.path, init);
}

async function bodyOf(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

beforeAll(async () => {
  t = await createTestApp({ env: { RATE_LIMIT_ENABLED: "true" } });
  admin = await t.signIn(ADMIN.email, ADMIN.password);
});
afterAll(() => t.close());

describe("every surface answers every status in its own shape", () => {
  for (const row of ROWS) {
    it(`${row.surface} ${row.status} (${row.what}): ${row.probe.method ?? (row.probe.json !== undefined ? "POST" : "GET")} ${row.probe.path.slice(0, 40)}`, async () => {
      const ip = nextIp();
      const token = row.probe.admin ? admin : undefined;
      for (let i = 0; i < (row.repeat ?? 0); i++) await send(t, row.probe, ip, token);
      const response = await send(t, row.probe, ip, token);
      const body = await bodyOf(response);
      expect({ status: response.status, body }).toMatchObject({ status: row.status });
      expect(problemsOf(row.shape, body)).toEqual([]);
      if (row.status === 405) expect(response.headers.get("allow")).toBeTruthy();
      if (row.status === 429) expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
      if (row.shape === "pages") expect(response.headers.get("content-type")).toStartWith("text/html");
    });
  }
});

describe("an unexpected failure (the database gone) is a 500 in each surface's shape, without internals", () => {
  let broken: TestApp;
  let brokenAdmin: string;
  beforeAll(async () => {
    broken = await createTestApp();
    brokenAdmin = await broken.signIn(ADMIN.email, ADMIN.password);
    // Every account lookup now fails underneath every surface.
    await broken.deps.db.kysely.schema.alterTable("user").renameTo("user_gone").execute();
  });
  afterAll(() => broken.close());

  const cases: readonly { surface: string; shape: Shape; probe: Probe }[] = [
    {
      surface: "better-auth",
      shape: "better-auth",
      probe: { path: "/api/auth/sign-in/email", json: { email: ADMIN.email, password: ADMIN.password } },
    },
    { surface: "native", shape: "native", probe: { path: "/v1/users", admin: true } },
    { surface: "geolens", shape: "geolens", probe: { path: "/api/admin/users/", admin: true } },
    { surface: "hasura", shape: "hasura", probe: { path: "/v1/user/info", admin: true } },
    { surface: "pages", shape: "pages", probe: { path: "/forgot-password", form: { email: ADMIN.email } } },
  ];
  for (const c of cases) {
    it(`${c.surface}: ${c.probe.path}`, async () => {
      const response = await send(broken, c.probe, nextIp(), c.probe.admin ? brokenAdmin : undefined);
      const body = await bodyOf(response);
      expect({ status: response.status, body }).toMatchObject({ status: 500 });
      expect(problemsOf(c.shape, body)).toEqual([]);
      expect(JSON.stringify(body)).not.toMatch(/user_gone|no such table|relation|sqlite|stack|at .*\.ts/i);
    });
  }
});

describe("a database that refuses writes is a 503 in each surface's shape, with Retry-After", () => {
  let readOnly: TestApp;
  let readOnlyAdmin: string;
  beforeAll(async () => {
    // SQLite even when the suite runs on PostgreSQL: `PRAGMA query_only` answers every write SQLITE_READONLY, as
    // a database file turned read-only under a running node does (test/faults/db-read-only.test.ts).
    readOnly = await createTestApp({ env: { DATABASE_URL: "" } });
    readOnlyAdmin = await readOnly.signIn(ADMIN.email, ADMIN.password);
    await sql`PRAGMA query_only = ON`.execute(readOnly.deps.db.kysely);
  });
  afterAll(() => readOnly.close());

  const PASSWORD = "read-only-password-1";
  const cases: readonly { surface: string; shape: Shape; probe: Probe }[] = [
    {
      surface: "better-auth",
      shape: "better-auth",
      probe: {
        path: "/api/auth/sign-up/email",
        json: { email: "ro-ba@example.com", password: PASSWORD, name: "RO" },
      },
    },
    {
      surface: "native",
      shape: "native",
      probe: {
        path: "/v1/users",
        json: { email: "ro-native@example.com", name: "RO", password: PASSWORD, roles: ["user"] },
        admin: true,
      },
    },
    {
      surface: "geolens",
      shape: "geolens",
      probe: { path: "/api/admin/users/", json: { username: "ro_geolens", password: PASSWORD }, admin: true },
    },
    {
      surface: "hasura",
      shape: "hasura",
      probe: {
        path: "/v1/signup",
        json: { provider: "email", data: { email: "ro-h@example.com", password: PASSWORD } },
      },
    },
    {
      surface: "pages",
      shape: "pages",
      probe: { path: "/forgot-password", form: { email: ADMIN.email } },
    },
    // better-auth answers the outage with 422 FAILED_TO_CREATE_USER; the page must not show it as a form error.
    {
      surface: "pages",
      shape: "pages",
      probe: {
        path: "/sign-up",
        form: {
          name: "Read Only",
          email: "ro-page@example.com",
          password: PASSWORD,
          confirmPassword: PASSWORD,
        },
      },
    },
  ];
  for (const c of cases) {
    it(`${c.surface}: POST ${c.probe.path}`, async () => {
      const response = await send(readOnly, c.probe, nextIp(), c.probe.admin ? readOnlyAdmin : undefined);
      const body = await bodyOf(response);
      expect({ status: response.status, body }).toMatchObject({ status: 503 });
      expect(problemsOf(c.shape, body)).toEqual([]);
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
      if (c.shape === "pages") return;
      const code = (body as Json).code ?? (body as Json).detail;
      expect(String(code)).toMatch(/database_unavailable|database-unavailable|unavailable/i);
    });
  }
});
