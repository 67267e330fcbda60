/**
 * The platform admin from ADMIN_EMAIL/ADMIN_PASSWORD: created on the first start, left alone on later starts,
 * and an existing account with that e-mail is promoted rather than duplicated. Each scenario restarts the real
 * app on the same DATA_DIR (SQLite) or PostgreSQL schema.
 */
import { afterEach, describe, expect, it } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ADMIN, createTestApp, dropSchema, type TestApp } from "../../../test/helpers/test-app.ts";

interface Store {
  readonly dataDir: string;
  readonly schema?: string;
}

const stores: Store[] = [];
const open: TestApp[] = [];

/** A data dir (and schema) that outlives one app, so the next start sees the same users. */
function newStore(): Store {
  const store: Store = {
    dataDir: mkdtempSync(join(tmpdir(), "gatehouse-bootstrap-")),
    ...(process.env.TEST_DATABASE_URL ? { schema: `t_${randomBytes(6).toString("hex")}` } : {}),
  };
  stores.push(store);
  return store;
}

async function start(store: Store, env: Record<string, string> = {}): Promise<TestApp> {
  const app = await createTestApp({ reuse: store, env });
  open.push(app);
  return app;
}

async function stop(app: TestApp): Promise<void> {
  open.splice(open.indexOf(app), 1);
  await app.close();
}

afterEach(async () => {
  for (const app of open.splice(0)) await app.close();
  for (const store of stores.splice(0)) {
    rmSync(store.dataDir, { recursive: true, force: true });
    const url = process.env.TEST_DATABASE_URL;
    if (url && store.schema) await dropSchema(url, store.schema);
  }
});

interface UserRow {
  readonly id: string;
  readonly email: string;
  readonly role: string | null;
  readonly emailVerified: unknown;
}

async function admins(t: TestApp): Promise<UserRow[]> {
  return t.deps.db.kysely
    .selectFrom("user")
    .select(["id", "email", "role", "emailVerified"])
    .where("role", "like", "%admin%")
    .execute();
}

async function usersWithEmail(t: TestApp, email: string): Promise<UserRow[]> {
  return t.deps.db.kysely
    .selectFrom("user")
    .select(["id", "email", "role", "emailVerified"])
    .where("email", "=", email)
    .execute();
}

async function credentialHash(t: TestApp, userId: string): Promise<string> {
  const row = await t.deps.db.kysely
    .selectFrom("account")
    .select("password")
    .where("userId", "=", userId)
    .where("providerId", "=", "credential")
    .executeTakeFirstOrThrow();
  return String(row.password);
}

async function signInStatus(t: TestApp, email: string, password: string): Promise<number> {
  const response = await t.request("/api/auth/sign-in/email", { json: { email, password } });
  return response.status;
}

describe("platform admin bootstrap", () => {
  it("creates exactly one verified admin from ADMIN_EMAIL/ADMIN_PASSWORD on the first start", async () => {
    const t = await start(newStore());
    const rows = await admins(t);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: ADMIN.email, role: "admin" });
    expect(Boolean(rows[0]?.emailVerified)).toBe(true);
    expect(await credentialHash(t, rows[0]?.id ?? "")).toStartWith("$argon2id$");
    expect(await signInStatus(t, ADMIN.email, ADMIN.password)).toBe(200);
  });

  it("leaves the admin alone on the next start: no second admin, its changed password kept", async () => {
    const store = newStore();
    const first = await start(store);
    const [admin] = await admins(first);
    const token = await first.signIn(ADMIN.email, ADMIN.password);
    const changed = await first.request("/api/auth/change-password", {
      token,
      json: { currentPassword: ADMIN.password, newPassword: "changed-admin-password" },
    });
    expect(changed.status).toBe(200);
    const hash = await credentialHash(first, admin?.id ?? "");
    await stop(first);

    // Same ADMIN_EMAIL/ADMIN_PASSWORD as the first start: the environment must not reset the password.
    const second = await start(store);
    expect(await admins(second)).toEqual([admin as UserRow]);
    expect(await credentialHash(second, admin?.id ?? "")).toBe(hash);
    expect(await signInStatus(second, ADMIN.email, "changed-admin-password")).toBe(200);
    expect(await signInStatus(second, ADMIN.email, ADMIN.password)).toBe(401);
  });

  it("does not create a second admin when ADMIN_EMAIL changes after the first start", async () => {
    const store = newStore();
    const first = await start(store);
    const before = await admins(first);
    await stop(first);

    const second = await start(store, { ADMIN_EMAIL: "other-admin@gatehouse.test" });
    expect(await admins(second)).toEqual(before);
    expect(await usersWithEmail(second, "other-admin@gatehouse.test")).toHaveLength(0);
  });

  it("promotes an existing ordinary user with that e-mail instead of creating another account", async () => {
    const store = newStore();
    const email = "boss@example.com";
    // No ADMIN_* on the first start: the account exists before anyone names it as the admin.
    const first = await start(store, { ADMIN_EMAIL: "", ADMIN_PASSWORD: "" });
    expect(await admins(first)).toHaveLength(0);
    const signUp = await first.request("/api/auth/sign-up/email", {
      json: { email, password: "boss-own-password", name: "Boss" },
    });
    expect(signUp.status).toBe(200);
    const [user] = await usersWithEmail(first, email);
    expect(user?.role).toBe("user");
    const hash = await credentialHash(first, user?.id ?? "");
    await stop(first);

    const second = await start(store, {
      ADMIN_EMAIL: "Boss@Example.com",
      ADMIN_PASSWORD: "env-admin-password",
    });
    const rows = await usersWithEmail(second, email);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: user?.id, role: "admin" });
    expect((await admins(second)).map((row) => row.id)).toEqual([user?.id ?? ""]);
    // Promotion grants the role only; the user's own password stays the way in.
    expect(await credentialHash(second, user?.id ?? "")).toBe(hash);
    const token = await second.signIn(email, "boss-own-password");
    const list = await second.request("/api/auth/admin/list-users", { token });
    expect(list.status).toBe(200);
  });
});
