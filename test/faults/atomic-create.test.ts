/**
 * Issue 11 item 3, deterministically: a write that fails half-way through a create (a trigger refuses the
 * second or third row, as a full disk or a lost connection would) leaves nothing behind — no user without its
 * password account or its `default` membership, no tenant without its owner — and the same request succeeds
 * once the fault is gone. Before, the first rows stayed: the e-mail was taken forever by an account that could
 * not sign in.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { sql } from "kysely";
import { ADMIN, createTestApp, type TestApp } from "../helpers/test-app.ts";

let t: TestApp;
let admin: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.signIn(ADMIN.email, ADMIN.password);
});
afterAll(() => t.close());

/**
 * Makes inserts into `table` fail while `condition` (SQL over the new row `NEW`) holds; returns the undo.
 * PostgreSQL's trigger WHEN cannot hold a subquery, so the condition sits in the function there.
 */
async function refuseInserts(table: string, condition: string): Promise<() => Promise<void>> {
  const db = t.deps.db.kysely;
  const name = `refuse_${table}`;
  if (t.deps.db.dialect === "sqlite") {
    await sql
      .raw(`create trigger ${name} before insert on "${table}" when ${condition}
        begin select raise(abort, 'injected failure'); end`)
      .execute(db);
    return async () => {
      await sql.raw(`drop trigger ${name}`).execute(db);
    };
  }
  await sql
    .raw(`create function ${name}() returns trigger language plpgsql as $$
      begin if ${condition} then raise exception 'injected failure'; end if; return new; end $$`)
    .execute(db);
  await sql
    .raw(`create trigger ${name} before insert on "${table}" for each row execute function ${name}()`)
    .execute(db);
  return async () => {
    await sql.raw(`drop trigger ${name} on "${table}"`).execute(db);
    await sql.raw(`drop function ${name}()`).execute(db);
  };
}

const USER_EMAIL_OF_NEW = `(select email from "user" where id = NEW."userId")`;

async function usersWithEmail(email: string): Promise<number> {
  const rows = await t.deps.db.kysely.selectFrom("user").select("id").where("email", "=", email).execute();
  return rows.length;
}

async function signUp(email: string): Promise<Response> {
  return t.request("/api/auth/sign-up/email", {
    json: { email, password: "atomic-password-1", name: "Atomic" },
  });
}

describe("a create that fails half-way leaves nothing behind", () => {
  it("sign-up whose password account cannot be written: no user row, and the same sign-up works afterwards", async () => {
    const email = "doomed-account@example.com";
    const undo = await refuseInserts("account", `${USER_EMAIL_OF_NEW} = '${email}'`);
    try {
      expect((await signUp(email)).status).not.toBe(200);
      expect(await usersWithEmail(email)).toBe(0);
    } finally {
      await undo();
    }
    expect((await signUp(email)).status).toBe(200);
    expect(await t.signIn(email, "atomic-password-1")).toBeString();
  });

  it("sign-up whose default membership cannot be written: no user row", async () => {
    const email = "doomed-member@example.com";
    const undo = await refuseInserts("member", `${USER_EMAIL_OF_NEW} = '${email}'`);
    try {
      expect((await signUp(email)).status).not.toBe(200);
      expect(await usersWithEmail(email)).toBe(0);
    } finally {
      await undo();
    }
    expect((await signUp(email)).status).toBe(200);
  });

  it("POST /v1/users whose membership cannot be written: no user row, and the same request works afterwards", async () => {
    const email = "doomed-v1@example.com";
    const create = () =>
      t.request("/v1/users", {
        token: admin,
        json: { email, name: "Atomic", password: "atomic-password-1", roles: ["user"] },
      });
    const undo = await refuseInserts("member", `${USER_EMAIL_OF_NEW} = '${email}'`);
    try {
      const refused = await create();
      expect(refused.status).not.toBe(201);
      expect(await usersWithEmail(email)).toBe(0);
    } finally {
      await undo();
    }
    expect((await create()).status).toBe(201);
  });

  it("tenant creation whose owner membership cannot be written: no tenant row", async () => {
    const slug = "doomed-tenant";
    const undo = await refuseInserts(
      "member",
      `(select slug from organization where id = NEW."organizationId") = '${slug}'`,
    );
    const create = () =>
      t.request("/api/auth/organization/create", { token: admin, json: { name: "Doomed", slug } });
    try {
      expect((await create()).status).not.toBe(200);
      const tenants = await t.deps.db.kysely
        .selectFrom("organization")
        .select("id")
        .where("slug", "=", slug)
        .execute();
      expect(tenants).toEqual([]);
    } finally {
      await undo();
    }
    expect((await create()).status).toBe(200);
  });
});
