/**
 * The last-owner and last-admin checks at a tenant's scale: they read the tenant's owners and the platform's
 * admins from the partial indexes of migration 013, not every member of `default` (every account) — a million
 * rows read twice by each change and at every start. And the start-up's "does `default` have an owner" keeps an
 * owner's other roles.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planOf } from "../../test/helpers/query-plan.ts";
import { ADMIN, createTestApp, dropSchema, type TestApp } from "../../test/helpers/test-app.ts";
import { defaultTenantId, memberRole } from "../../test/helpers/v1.ts";
import { holderQueries } from "./last-owner-guard.ts";

describe("the owner and admin checks", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it("read a tenant's owners from the owners' index", async () => {
    const query = holderQueries.owners(app.deps.db.kysely, await defaultTenantId(app)).compile();
    expect(await planOf(app, query)).toContain("member_owner_idx");
  });

  it("read the platform's admins from the admins' index", async () => {
    const query = holderQueries.admins(app.deps.db.kysely).compile();
    expect(await planOf(app, query)).toContain("user_admin_idx");
  });
});

describe("a restart", () => {
  const pgUrl = process.env.TEST_DATABASE_URL;
  const reuse = {
    dataDir: mkdtempSync(join(tmpdir(), "gatehouse-owner-restart-")),
    ...(pgUrl ? { schema: `t_${randomBytes(6).toString("hex")}` } : {}),
  };
  afterAll(async () => {
    if (pgUrl && reuse.schema) await dropSchema(pgUrl, reuse.schema);
    rmSync(reuse.dataDir, { recursive: true, force: true });
  });

  it("keeps the roles of the default tenant's owner beside `owner`", async () => {
    const first = await createTestApp({ reuse });
    const tenantId = await defaultTenantId(first);
    const admin = await first.deps.db.kysely
      .selectFrom("user")
      .select("id")
      .where("email", "=", ADMIN.email)
      .executeTakeFirstOrThrow();
    const userId = String(admin.id);
    expect(await memberRole(first, tenantId, userId)).toBe("owner");
    await first.deps.db.kysely
      .updateTable("member")
      .set({ role: "admin,owner" })
      .where("organizationId", "=", tenantId)
      .where("userId", "=", userId)
      .execute();
    await first.close();

    const second = await createTestApp({ reuse });
    try {
      expect(await memberRole(second, tenantId, userId)).toBe("admin,owner");
    } finally {
      await second.close();
    }
  });
});
