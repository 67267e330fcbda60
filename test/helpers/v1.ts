/**
 * Shared steps of the /v1 tests: calling a route with one credential, making users and tenants through the
 * public API, and reading the database before and after a refused request.
 */
import type { TestApp } from "./test-app.ts";

export const PASSWORD = "v1-test-password-1";

/** One credential (plus the tenant header) as a client sends it. */
export interface Caller {
  readonly token?: string;
  readonly cookie?: string;
  readonly apiKey?: string;
  readonly tenant?: string;
}

/** The native error envelope. */
export interface ErrorJson {
  readonly code: string;
  readonly error: string;
  readonly message: string;
  readonly details?: Record<string, unknown>;
  readonly notices?: string[];
}

export interface UserJson {
  readonly id: string;
  readonly email: string | null;
  readonly name: string | null;
  readonly roles: string[];
  readonly auth_provider: string;
  readonly active: boolean;
  readonly email_verified: boolean;
  readonly is_owner: boolean;
  readonly avatar_base64: string | null;
  readonly status: string;
  readonly created_at: string;
  readonly updated_at: string;
}

/** Whatever a route answers: the success shape `T`, or the error envelope. */
export type Json<T> = T & Partial<ErrorJson>;

export interface Answer<T> {
  readonly status: number;
  readonly body: Json<T>;
}

export async function call<T = Record<string, unknown>>(
  t: TestApp,
  method: string,
  path: string,
  caller: Caller = {},
  json?: unknown,
): Promise<Answer<T>> {
  const headers = new Headers();
  if (caller.cookie) headers.set("cookie", caller.cookie);
  if (caller.apiKey) headers.set("x-api-key", caller.apiKey);
  if (caller.tenant) headers.set("x-tenant-id", caller.tenant);
  const response = await t.request(path, {
    method,
    headers,
    ...(caller.token ? { token: caller.token } : {}),
    ...(json !== undefined ? { json } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

let counter = 0;
/** A unique, valid e-mail address. */
export function freshEmail(prefix = "user"): string {
  counter += 1;
  return `${prefix}-${counter}-${Date.now().toString(36)}@v1.test`;
}

/** A user who signed up through better-auth (no tenant yet), with a session token. */
export async function signUp(
  t: TestApp,
  name = "User",
): Promise<{ id: string; email: string; token: string }> {
  const email = freshEmail(name.toLowerCase().replace(/\W+/g, "-"));
  const response = await t.request("/api/auth/sign-up/email", { json: { email, password: PASSWORD, name } });
  const body = (await response.json()) as { token?: string; user?: { id: string } };
  if (!response.ok || !body.token || !body.user) throw new Error(`sign-up failed: ${JSON.stringify(body)}`);
  return { id: body.user.id, email, token: body.token };
}

/** A tenant created through better-auth by the holder of `token`, who becomes its owner. */
export async function createTenant(t: TestApp, token: string, prefix = "tenant"): Promise<string> {
  counter += 1;
  const slug = `${prefix}-${counter}-${Date.now().toString(36)}`;
  const response = await t.request("/api/auth/organization/create", { token, json: { name: slug, slug } });
  const body = (await response.json()) as { id?: string };
  if (!response.ok || !body.id) throw new Error(`organization/create failed: ${JSON.stringify(body)}`);
  return body.id;
}

/** The roles a user holds in a tenant as stored (comma-separated), or null without a membership. */
export async function memberRole(t: TestApp, tenantId: string, userId: string): Promise<string | null> {
  const row = await t.deps.db.kysely
    .selectFrom("member")
    .select("role")
    .where("organizationId", "=", tenantId)
    .where("userId", "=", userId)
    .executeTakeFirst();
  return row ? String(row.role) : null;
}

export async function defaultTenantId(t: TestApp): Promise<string> {
  const row = await t.deps.db.kysely
    .selectFrom("organization")
    .select("id")
    .where("slug", "=", "default")
    .executeTakeFirstOrThrow();
  return String(row.id);
}

/** Creates a user in a tenant through /v1/users and signs it in. */
export async function addUser(
  t: TestApp,
  by: Caller,
  roles: readonly string[],
  name = "Member",
): Promise<{ id: string; email: string; token: string }> {
  const email = freshEmail(name.toLowerCase().replace(/\W+/g, "-"));
  const created = await call<UserJson>(t, "POST", "/v1/users", by, {
    email,
    name,
    roles,
    password: PASSWORD,
  });
  if (created.status !== 201) throw new Error(`POST /v1/users: ${JSON.stringify(created.body)}`);
  return { id: created.body.id, email, token: await t.signIn(email, PASSWORD) };
}

/** Creates an API key of the caller's tenant and returns the raw key and its id. */
export async function createApiKey(
  t: TestApp,
  by: Caller,
  roles: readonly string[],
  extra: Record<string, unknown> = {},
): Promise<{ id: string; key: string }> {
  const created = await call<{ id: string; key: string }>(t, "POST", "/v1/api-keys", by, {
    name: "automation",
    roles,
    ...extra,
  });
  if (created.status !== 201) throw new Error(`POST /v1/api-keys: ${JSON.stringify(created.body)}`);
  return { id: created.body.id, key: created.body.key };
}

const TABLES = [
  "user",
  "account",
  "session",
  "organization",
  "member",
  "invitation",
  "tenant_role",
  "api_key",
  "tenant_policy",
  "tenant_policy_version",
] as const;

function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}

/**
 * Every row of the tables the /v1 API writes, in a stable order. `lastUsedAt` of API keys is left out: using
 * a key (even for a refused request) records when it was used, which is not a change the request made.
 */
export async function snapshot(t: TestApp): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const table of TABLES) {
    const rows = (await t.deps.db.kysely
      .selectFrom(table as "member")
      .selectAll()
      .execute()) as Record<string, unknown>[];
    result[table] = rows
      .map((row) => {
        const copy: Record<string, unknown> = {};
        for (const key of Object.keys(row).sort()) {
          if (table === "api_key" && key === "lastUsedAt") continue;
          copy[key] = normalise(row[key]);
        }
        return JSON.stringify(copy);
      })
      .sort();
  }
  return result;
}
