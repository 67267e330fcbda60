/**
 * The account service's own rules, called directly with an explicit caller (a V1Context): identifiers, races,
 * the sign-up policy, status, self-protection and the split between accounts and tenant memberships. The same
 * rules seen through HTTP are in test/cross-api.test.ts and test/tenancy.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { ADMIN, createTestApp, type TestApp } from "../../../test/helpers/test-app.ts";
import { createV1Services, type V1Services } from "../../http/services.ts";
import type { V1Context } from "../context.ts";

let t: TestApp;
let v1: V1Services;
let admin: V1Context;
beforeAll(async () => {
  t = await createTestApp({ env: { REQUIRE_EMAIL_VERIFICATION: "true" } });
  v1 = createV1Services(t.deps);
  const token = await t.signIn(ADMIN.email, ADMIN.password);
  admin = await v1.resolvePlatformContext(new Headers({ authorization: `Bearer ${token}` }));
});
afterAll(() => t.close());

describe("account service", () => {
  it("creates exactly one account when three creates race for one username; the others get username_exists", async () => {
    const results = await Promise.allSettled(
      [1, 2, 3].map(() =>
        v1.accounts.createAccount(admin, {
          username: "Racer",
          password: "somepass124",
          globalRoles: ["user"],
          active: true,
        }),
      ),
    );
    const outcomes = results.map((r) =>
      r.status === "fulfilled" ? "created" : (r.reason as { code?: string }).code,
    );
    expect(outcomes.filter((o) => o === "created")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "username_exists")).toHaveLength(2);
    const rows = await t.deps.db.kysely
      .selectFrom("user")
      .select("id")
      .where("username", "=", "racer")
      .execute();
    expect(rows).toHaveLength(1);
  });

  it("lets an account without e-mail sign in although e-mail verification is required", async () => {
    const account = await v1.accounts.createAccount(admin, {
      username: "nomail",
      password: "somepass124",
      globalRoles: [],
      active: true,
    });
    expect(account.email).toBeNull();
    const response = await t.request("/api/auth/sign-in/username", {
      json: { username: "nomail", password: "somepass124" },
    });
    expect(response.status).toBe(200);
  });

  it("keeps an account with an unverified e-mail out until it is verified", async () => {
    await v1.accounts.createAccount(admin, {
      email: "pending@example.com",
      password: "somepass124",
      globalRoles: [],
      active: true,
    });
    const response = await t.request("/api/auth/sign-in/email", {
      json: { email: "pending@example.com", password: "somepass124" },
    });
    expect(response.status).toBe(403);
  });

  it("searches for `_` and `%` literally on every database (SQLite escapes in LIKE only when told)", async () => {
    await v1.accounts.createAccount(admin, { username: "under_score", globalRoles: [], active: true });
    await v1.accounts.createAccount(admin, { username: "underXscore", globalRoles: [], active: true });
    const literal = await v1.accounts.listAccounts(admin, { skip: 0, limit: 10, search: "under_" });
    expect(literal.users.map((u) => u.username)).toEqual(["under_score"]);
    expect((await v1.accounts.listAccounts(admin, { skip: 0, limit: 10, search: "%" })).total).toBe(0);
  });
});

/** An error's code, or "ok". */
async function outcome(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return "ok";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

describe("account service: the domain rules", () => {
  it("makes every account it creates a member of default with the role user", async () => {
    const account = await v1.accounts.createAccount(admin, {
      username: "joiner",
      password: "somepass124",
      globalRoles: ["editor"],
      active: true,
    });
    const membership = await v1.tenants.findMembership(admin.tenant.id, account.id);
    expect(membership).toMatchObject({ roles: ["user"], status: "active" });
  });

  it("renders and filters one status: pending is not active, an expired ban is active", async () => {
    const pending = await v1.accounts.createAccount(admin, {
      username: "pending_one",
      globalRoles: [],
      active: true,
    });
    await v1.accounts.updateAccount(admin, pending.id, { status: "pending" });
    const expired = await v1.accounts.createAccount(admin, {
      username: "expired_one",
      globalRoles: [],
      active: false,
    });
    const past = new Date(Date.now() - 1000);
    await t.deps.db.kysely
      .updateTable("user")
      .set({ banExpires: t.deps.db.dialect === "postgres" ? past : past.toISOString(), status: "active" })
      .where("id", "=", expired.id)
      .execute();
    const seen = await v1.accounts.getAccount(admin, { id: pending.id });
    expect({ status: seen.status, active: seen.active }).toEqual({ status: "pending", active: false });
    const lifted = await v1.accounts.getAccount(admin, { id: expired.id });
    expect({ status: lifted.status, active: lifted.active }).toEqual({ status: "active", active: true });
    const ids = async (status: "active" | "pending" | "disabled", search: string) =>
      (await v1.accounts.listAccounts(admin, { skip: 0, limit: 10, status, search })).users.map((u) => u.id);
    expect(await ids("pending", "pending_one")).toEqual([pending.id]);
    expect(await ids("active", "pending_one")).toEqual([]);
    expect(await ids("active", "expired_one")).toEqual([expired.id]);
    expect(await ids("disabled", "expired_one")).toEqual([]);
  });

  it("protects the caller from itself: its own global roles, deactivation and deletion", async () => {
    const self = admin.actor?.id ?? "";
    expect(await outcome(() => v1.accounts.updateAccount(admin, self, { globalRoles: ["user"] }))).toBe(
      "cannot_change_own_role",
    );
    expect(await outcome(() => v1.accounts.updateAccount(admin, self, { active: false }))).toBe(
      "cannot_disable_self",
    );
    expect(await outcome(() => v1.accounts.removeAccount(admin, self))).toBe("cannot_delete_self");
    const row = await t.deps.db.kysely
      .selectFrom("user")
      .selectAll()
      .where("id", "=", self)
      .executeTakeFirst();
    expect({ role: row?.role, banned: Boolean(row?.banned) }).toEqual({ role: "admin", banned: false });
  });

  it("never deletes the last active platform admin, whoever asks", async () => {
    const other = {
      ...admin,
      actor: { ...(admin.actor as object), id: crypto.randomUUID() },
    } as typeof admin;
    expect(await outcome(() => v1.accounts.removeAccount(other, admin.actor?.id ?? ""))).toBe("last_admin");
  });

  it("refuses every account-wide act to a caller who is not a platform admin, with the notice", async () => {
    const member = {
      ...admin,
      actor: {
        type: "User",
        id: crypto.randomUUID(),
        tenantId: admin.tenant.id,
        roles: ["owner"],
        isPlatformAdmin: false,
      },
    } as const;
    const target = await v1.accounts.createAccount(admin, {
      username: "target_one",
      globalRoles: [],
      active: true,
    });
    for (const run of [
      () => v1.accounts.createAccount(member, { username: "not_made", globalRoles: [], active: true }),
      () => v1.accounts.listAccounts(member, { skip: 0, limit: 1 }),
      () => v1.accounts.updateAccount(member, target.id, { active: false }),
      () => v1.accounts.removeAccount(member, target.id),
      () => v1.accounts.endSessions(member, target.id),
    ]) {
      const error = await run().catch((e: unknown) => e as { code?: string; notices?: string[] });
      expect((error as { code?: string }).code).toBe("forbidden");
      expect(((error as { notices?: string[] }).notices ?? []).join(" ")).toContain(
        "Accounts are platform-wide",
      );
    }
    expect(await v1.accounts.findAccount({ username: "not_made" })).toBeNull();
    expect((await v1.accounts.getAccount(admin, { id: target.id })).active).toBe(true);
  });
});

describe("account service: global roles", () => {
  it("grants only roles of the one global catalogue, whichever API asks", async () => {
    expect(
      await outcome(() =>
        v1.accounts.createAccount(admin, { username: "no_such_role", globalRoles: ["wizard"], active: true }),
      ),
    ).toBe("invalid_roles");
    expect(await v1.accounts.findAccount({ username: "no_such_role" })).toBeNull();
    const viewer = await v1.accounts.createAccount(admin, {
      username: "viewer_one",
      globalRoles: ["viewer"],
      active: true,
    });
    expect(
      await outcome(() => v1.accounts.updateAccount(admin, viewer.id, { globalRoles: ["wizard"] })),
    ).toBe("invalid_roles");
    await v1.globalRoles.create("wizard");
    const wizard = await v1.accounts.updateAccount(admin, viewer.id, { globalRoles: ["viewer", "wizard"] });
    expect(wizard.globalRoles).toEqual(["viewer", "wizard"]);
  });
});
