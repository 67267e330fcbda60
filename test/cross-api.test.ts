/**
 * Cross-API consistency (issue #9): one account, seen through better-auth's /api/auth/admin/list-users, the
 * native /v1/users, GeoLens's /api/admin/users and Hasura's /v1/admin/user/{hasura_id}, has the same status,
 * active flag, roles and identifiers — for an active, a pending, a banned and a ban-expired account — and each
 * API's status filter lists it under that status. Accounts come from better-auth's own sign-up, so this also
 * checks that /api/auth sign-ups are listed by GET /v1/users.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { parseRoles } from "../src/auth/roles.ts";
import { ADMIN, createTestApp, type TestApp } from "./helpers/test-app.ts";
import { freshEmail, PASSWORD } from "./helpers/v1.ts";

type Status = "active" | "pending" | "disabled";

let t: TestApp;
let admin = "";

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.signIn(ADMIN.email, ADMIN.password);
});
afterAll(() => t?.close());

async function json<T>(
  path: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const response = await t.request(path, { token: admin, ...init });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

let counter = 0;
/** An account from better-auth's own sign-up, with an e-mail and a username. */
async function signUp(): Promise<{ id: string; email: string; username: string }> {
  counter += 1;
  const email = freshEmail("cross");
  const username = `Cross_${counter}_${Date.now().toString(36)}`;
  const response = await t.request("/api/auth/sign-up/email", {
    json: { email, password: PASSWORD, name: "Cross API", username },
  });
  const body = (await response.json()) as { user?: { id: string } };
  if (!response.ok || !body.user) throw new Error(`sign-up: ${JSON.stringify(body)}`);
  return { id: body.user.id, email, username };
}

/** What one API says about the account, in common terms. */
interface Seen {
  readonly status: Status;
  readonly active: boolean;
  readonly roles: readonly string[];
  readonly email: string | null;
  readonly username: string | null;
}

/**
 * What better-auth's own answers say: list-users' `status` as it renders it (src/http/better-auth/routes.ts),
 * compared as is; get-user must say the same. better-auth has no active flag: it is status === "active".
 */
async function throughBetterAuth(id: string): Promise<Seen> {
  const { status, body } = await json<{ users: Record<string, unknown>[] }>(
    `/api/auth/admin/list-users?filterField=id&filterValue=${id}`,
  );
  expect(status).toBe(200);
  const [user] = body.users;
  if (!user) throw new Error("not in list-users");
  const single = await json<Record<string, unknown>>(`/api/auth/admin/get-user?id=${id}`);
  expect(single.status).toBe(200);
  expect(single.body.status).toBe(user.status);
  return {
    status: user.status as Status,
    active: user.status === "active",
    roles: parseRoles(user.role),
    email: user.email as string,
    username: (user.displayUsername as string | null) ?? null,
  };
}

async function throughV1(id: string): Promise<Seen & { readonly listedUnder: Status[] }> {
  const got = await json<Record<string, unknown>>(`/v1/users/${id}`);
  expect(got.status).toBe(200);
  const listedUnder: Status[] = [];
  for (const status of ["active", "pending", "disabled"] as const) {
    const found = await findInV1List(id, status);
    if (found) listedUnder.push(status);
  }
  return {
    status: got.body.status as Status,
    active: got.body.active as boolean,
    roles: got.body.roles as string[],
    email: got.body.email as string | null,
    username: null,
    listedUnder,
  };
}

async function findInV1List(id: string, status: Status): Promise<boolean> {
  let cursor: string | null = null;
  do {
    const query: string = `/v1/users?limit=200&status=${status}${cursor ? `&cursor=${cursor}` : ""}`;
    const page = await json<{ data: { id: string }[]; next_cursor: string | null }>(query);
    expect(page.status).toBe(200);
    if (page.body.data.some((user) => user.id === id)) return true;
    cursor = page.body.next_cursor;
  } while (cursor);
  return false;
}

async function throughGeoLens(id: string, email: string): Promise<Seen & { readonly listedUnder: Status[] }> {
  const got = await json<Record<string, unknown>>(`/api/admin/users/${id}`);
  expect(got.status).toBe(200);
  const listedUnder: Status[] = [];
  for (const status of ["active", "pending", "disabled"] as const) {
    const page = await json<{ users: { id: string }[] }>(
      `/api/admin/users/?status=${status}&search=${encodeURIComponent(email)}`,
    );
    expect(page.status).toBe(200);
    if (page.body.users.some((user) => user.id === id)) listedUnder.push(status);
  }
  return {
    status: got.body.status as Status,
    active: got.body.is_active as boolean,
    roles: got.body.roles as string[],
    email: got.body.email as string | null,
    username: got.body.username as string | null,
    listedUnder,
  };
}

async function throughHasura(id: string): Promise<Omit<Seen, "status">> {
  const row = await t.deps.db.kysely
    .selectFrom("user")
    .select("numericId")
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  const got = await json<Record<string, unknown>>(`/v1/admin/user/${Number(row.numericId)}`);
  expect(got.status).toBe(200);
  return {
    active: got.body.is_active as boolean,
    roles: got.body.hasura_roles as string[],
    email: got.body.email as string | null,
    username: got.body.username as string | null,
  };
}

/** Brings the account into one of the four states, each through a public API (the expiry through the DB). */
async function make(state: "active" | "pending" | "banned" | "ban-expired") {
  const account = await signUp();
  if (state === "pending") {
    const patched = await json(`/api/admin/users/${account.id}`, {
      method: "PATCH",
      json: { status: "pending" },
    });
    expect(patched.status).toBe(200);
  }
  if (state === "banned" || state === "ban-expired") {
    const banned = await json<{ user: { status: string; banned: boolean } }>("/api/auth/admin/ban-user", {
      json: { userId: account.id, banReason: "test" },
    });
    expect(banned.status).toBe(200);
    // better-auth's own answer to the ban renders the user as disabled too (its `banned` stays its own flag).
    expect(banned.body.user).toMatchObject({ status: "disabled", banned: true });
  }
  if (state === "ban-expired") {
    // A ban that ran out an hour ago; better-auth lifts it only at the next sign-in, so the row still says banned.
    const expired = new Date(Date.now() - 60 * 60 * 1000);
    await t.deps.db.kysely
      .updateTable("user")
      .set({ banExpires: t.deps.db.dialect === "postgres" ? expired : expired.toISOString() })
      .where("id", "=", account.id)
      .execute();
  }
  return account;
}

const CASES = [
  { state: "active", status: "active", active: true },
  { state: "pending", status: "pending", active: false },
  { state: "banned", status: "disabled", active: false },
  { state: "ban-expired", status: "active", active: true },
] as const;

describe("one account through every API", () => {
  for (const { state, status, active } of CASES) {
    it(`${state}: the same status (${status}), active flag (${active}), roles and identifiers everywhere`, async () => {
      const account = await make(state);
      const betterAuth = await throughBetterAuth(account.id);
      const v1 = await throughV1(account.id);
      const geolens = await throughGeoLens(account.id, account.email);
      const hasura = await throughHasura(account.id);

      expect({ betterAuth: betterAuth.status, v1: v1.status, geolens: geolens.status }).toEqual({
        betterAuth: status,
        v1: status,
        geolens: status,
      });
      expect({
        betterAuth: betterAuth.active,
        v1: v1.active,
        geolens: geolens.active,
        hasura: hasura.active,
      }).toEqual({ betterAuth: active, v1: active, geolens: active, hasura: active });
      // Global roles in the platform-wide APIs; in /v1, the membership of `default` every account has.
      expect({ betterAuth: betterAuth.roles, geolens: geolens.roles, hasura: hasura.roles }).toEqual({
        betterAuth: ["user"],
        geolens: ["user"],
        hasura: ["user"],
      });
      expect(v1.roles).toEqual(["user"]);
      const emails = [betterAuth.email, v1.email, geolens.email, hasura.email];
      expect(emails).toEqual([account.email, account.email, account.email, account.email]);
      const usernames = [betterAuth.username, geolens.username, hasura.username];
      expect(usernames).toEqual([account.username, account.username, account.username]);
      // Every list filter agrees with the rendering: listed under its status and no other.
      expect(v1.listedUnder).toEqual([status]);
      expect(geolens.listedUnder).toEqual([status]);
    });
  }
});

describe("better-auth's ban record next to the rendered status", () => {
  it("keeps an expired ban's banned and banExpires as stored while status says active", async () => {
    const account = await make("ban-expired");
    const { body } = await json<{ users: Record<string, unknown>[] }>(
      `/api/auth/admin/list-users?filterField=id&filterValue=${account.id}`,
    );
    const [user] = body.users;
    expect(user).toMatchObject({ status: "active", banned: true });
    expect(new Date(String(user?.banExpires)).getTime()).toBeLessThan(Date.now());
  });
});

describe("better-auth sign-ups in /v1/users", () => {
  it("lists an account from /api/auth/sign-up/email in GET /v1/users as a member of default", async () => {
    const account = await signUp();
    expect(await findInV1List(account.id, "active")).toBe(true);
    const got = await json<{ roles: string[]; is_owner: boolean }>(`/v1/users/${account.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ roles: ["user"], is_owner: false });
  });

  it("lists an account from /api/auth/admin/create-user too", async () => {
    const email = freshEmail("admin-made");
    const created = await json<{ user: { id: string } }>("/api/auth/admin/create-user", {
      json: { email, password: PASSWORD, name: "Admin Made", role: "user" },
    });
    expect(created.status).toBe(200);
    expect(await findInV1List(created.body.user.id, "active")).toBe(true);
  });
});
