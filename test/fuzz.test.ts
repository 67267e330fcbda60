/**
 * A bounded fuzz test of every operation in /openapi.json: each body operation gets bodies that are not objects,
 * deeply nested, or a valid-looking body (sampled from its schema) with one property replaced by a wrong type,
 * a lone surrogate, a NUL, a huge string or an extreme number; each operation also gets mutated query parameters
 * and an absurd path parameter. Every request goes through `app.handle` as a platform admin (to get past the
 * guards), and the test fails on any 5xx. The mutations are a fixed list, not random, so a failure repeats and
 * the number of requests is bounded (about 3,000; well under a minute here).
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { ADMIN, createTestApp, type TestApp } from "./helpers/test-app.ts";

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  format?: string;
}
interface Parameter {
  name: string;
  in: string;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
interface Case {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
  readonly label: string;
}

/** Nesting well past any sane limit (64), yet cheap enough that today's parser survives it. */
const DEEP = 512;
/** How many properties of a body get their own mutations: enough to reach each route's field checks. */
const PROPERTIES_PER_OPERATION = 6;
const HUGE = "x".repeat(100_000);

/** The values a property is replaced with: wrong types, hostile text, extreme numbers. */
const MUTANTS: readonly unknown[] = [
  null,
  5,
  true,
  {},
  [],
  "\ud800",
  HUGE,
  1e308,
  -1,
  2 ** 53,
  "üñî\u0000\u202e😀",
  [HUGE],
  { $ne: null },
];
/** A mutant JSON.stringify cannot express as is: the lone surrogate must reach the server as `\ud800`. */
const json = (value: unknown) => JSON.stringify(value).replaceAll("\ud800", "\\ud800");

const deepObject = `${'{"a":'.repeat(DEEP)}1${"}".repeat(DEEP)}`;
const deepArray = `${"[".repeat(DEEP)}${"]".repeat(DEEP)}`;
const NOT_OBJECTS = ["1", "[]", '"x"', "null", "true", "{", '{"a":}', "", deepObject, deepArray];

function typeOf(schema: Schema): string | undefined {
  const type = Array.isArray(schema.type) ? schema.type.find((item) => item !== "null") : schema.type;
  return type ?? (schema.anyOf ?? schema.oneOf)?.map(typeOf).find(Boolean);
}

/** A plausible value for a schema: what a client that read the document would send. */
function sample(schema: Schema | undefined, depth = 0): unknown {
  if (!schema || depth > 4) return "fuzz";
  if (schema.enum?.length) return schema.enum[0];
  switch (typeOf(schema)) {
    case "object":
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, value]) => [key, sample(value, depth + 1)]),
      );
    case "array":
      return [sample(schema.items, depth + 1)];
    case "integer":
    case "number":
      // Not 1: Hasura's ids are small integers, and the admin's own must not be hit by chance.
      return 424_242;
    case "boolean":
      return true;
    default:
      return schema.format === "email" ? "fuzz@fuzz.test" : "fuzz";
  }
}

function bodyCases(method: string, path: string, schema: Schema | undefined): Case[] {
  const cases: Case[] = NOT_OBJECTS.map((body) => ({
    method,
    path,
    body,
    label: `body ${body.slice(0, 20)}`,
  }));
  const base = sample(schema);
  if (typeof base !== "object" || base === null || Array.isArray(base)) return cases;
  const keys = Object.keys(base).slice(0, PROPERTIES_PER_OPERATION);
  keys.forEach((key, index) => {
    // Three mutants per property, rotating through the list, so every mutant meets every kind of field.
    for (let step = 0; step < 3; step += 1) {
      const mutant = MUTANTS[(index * 3 + step) % MUTANTS.length];
      cases.push({
        method,
        path,
        body: json({ ...base, [key]: mutant }),
        label: `${key} = ${json(mutant).slice(0, 20)}`,
      });
    }
  });
  cases.push({ method, path, body: json(base), label: "sampled body" });
  for (const mutant of [HUGE, "\ud800", 1e308]) {
    const all = Object.fromEntries(Object.keys(base).map((key) => [key, mutant]));
    cases.push({ method, path, body: json(all), label: `every field = ${json(mutant).slice(0, 12)}` });
  }
  return cases;
}

function queryCases(method: string, path: string, parameters: readonly Parameter[]): Case[] {
  const names = parameters.filter((parameter) => parameter.in === "query").map((p) => p.name);
  if (names.length === 0) return [];
  return ["-1", "1e308", "%F0%9F%98%80%00", encodeURIComponent(HUGE), "%ZZ", "a&a=b"].map((value) => ({
    method,
    path: `${path}?${names.map((name) => `${name}=${value}`).join("&")}`,
    label: `query = ${value.slice(0, 12)}`,
  }));
}

function fillPath(path: string, adminId: string, value?: string): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (value !== undefined) return value;
    if (name === "hasura_id") return "424242";
    return name === "id" ? adminId : "fuzz";
  });
}

let t: TestApp;
let token = "";
let adminId = "";
const cases: Case[] = [];

beforeAll(async () => {
  t = await createTestApp();
  token = await t.signIn(ADMIN.email, ADMIN.password);
  const session = (await (await t.request("/api/auth/get-session", { token })).json()) as {
    user: { id: string };
  };
  adminId = session.user.id;
  const doc = (await (await t.request("/openapi.json")).json()) as {
    paths: Record<string, Record<string, Operation>>;
  };
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
      const upper = method.toUpperCase();
      const path = fillPath(template, adminId);
      const schema = operation.requestBody?.content?.["application/json"]?.schema;
      if (operation.requestBody) cases.push(...bodyCases(upper, path, schema));
      cases.push(...queryCases(upper, path, operation.parameters ?? []));
      if (template.includes("{")) {
        for (const odd of ["%ud800", "x".repeat(5000), "..%2F..%2Fetc", "-1"]) {
          cases.push({
            method: upper,
            path: fillPath(template, adminId, odd),
            label: `path ${odd.slice(0, 12)}`,
          });
        }
      }
    }
  }
});
afterAll(() => t.close());

/** Some mutants sign the admin out (sign-out, revoke-sessions): sign in again to keep reaching the guards. */
async function ensureSignedIn(): Promise<void> {
  const session = await t.request("/api/auth/get-session", { token });
  if (session.status === 200 && (await session.json()) !== null) return;
  token = await t.signIn(ADMIN.email, ADMIN.password);
}

describe("fuzz: every operation of /openapi.json", () => {
  it("answers mutated bodies, queries and path parameters without a 5xx", async () => {
    expect(cases.length).toBeGreaterThan(1000);
    const failures: string[] = [];
    let previousPath = "";
    for (const fuzz of cases) {
      if (fuzz.path !== previousPath) await ensureSignedIn();
      previousPath = fuzz.path;
      const response = await t.request(fuzz.path, {
        method: fuzz.method,
        token,
        ...(fuzz.body !== undefined
          ? { body: fuzz.body, headers: { "content-type": "application/json" } }
          : {}),
      });
      const text = await response.text();
      if (response.status >= 500) {
        failures.push(
          `${fuzz.method} ${fuzz.path.slice(0, 80)} [${fuzz.label}] → ${response.status} ${text.slice(0, 120)}`,
        );
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
