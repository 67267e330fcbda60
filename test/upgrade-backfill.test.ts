/**
 * The start-up scan for accounts outside the `default` tenant (src/deps.ts) runs only when the schema changed —
 * an upgrade from an older build, whose accounts may predate default memberships — and not on every start,
 * where it would cost seconds at a million users. An account without the membership stands in for such data.
 */
import { afterAll, describe, expect, it } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { createTestApp, dropSchema, type TestApp } from "./helpers/test-app.ts";

const TIMEOUT_MS = 60_000;
const EMAIL = "old-build@example.com";
const pgUrl = process.env.TEST_DATABASE_URL;
// Every start reuses one data dir / schema (an app made without `reuse` removes its own when it closes).
const reuse = {
  dataDir: mkdtempSync(join(tmpdir(), "gatehouse-upgrade-")),
  ...(pgUrl ? { schema: `t_${randomBytes(6).toString("hex")}` } : {}),
};

afterAll(async () => {
  if (pgUrl && reuse.schema) await dropSchema(pgUrl, reuse.schema);
  rmSync(reuse.dataDir, { recursive: true, force: true });
});

async function defaultMembershipOf(t: TestApp, email: string): Promise<number> {
  const rows = await t.deps.db.kysely
    .selectFrom("member as m")
    .innerJoin("organization as o", "o.id", "m.organizationId")
    .innerJoin("user as u", "u.id", "m.userId")
    .select("m.id")
    .where("o.slug", "=", "default")
    .where("u.email", "=", email)
    .execute();
  return rows.length;
}

const start = (): Promise<TestApp> => createTestApp({ reuse });

describe("the default-membership backfill at start-up", () => {
  it(
    "skips the scan when the schema is current and runs it after an upgrade",
    async () => {
      const first = await start();
      const created = await first.request("/api/auth/sign-up/email", {
        json: { email: EMAIL, password: "old-build-password-1", name: "Old Build" },
      });
      expect(created.status).toBe(200);
      expect(await defaultMembershipOf(first, EMAIL)).toBe(1);
      // As an older build left it: the account exists, its default membership does not.
      const user = await first.deps.db.kysely
        .selectFrom("user")
        .select("id")
        .where("email", "=", EMAIL)
        .executeTakeFirstOrThrow();
      await first.deps.db.kysely.deleteFrom("member").where("userId", "=", user.id).execute();
      await first.close();

      const same = await start();
      try {
        // Same build, same schema: no scan, the account stays as it was.
        expect(await defaultMembershipOf(same, EMAIL)).toBe(0);
        // Another build's schema on record (src/auth/migrate.ts): the next start migrates and backfills.
        await sql`delete from gatehouse_schema_state`.execute(same.deps.db.kysely);
      } finally {
        await same.close();
      }

      const upgraded = await start();
      try {
        expect(await defaultMembershipOf(upgraded, EMAIL)).toBe(1);
      } finally {
        await upgraded.close();
      }
    },
    TIMEOUT_MS,
  );
});
