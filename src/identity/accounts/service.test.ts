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
