/**
 * Tenant creation (better-auth's /organization/create) is one transaction with its owner membership, and
 * parallel creates with one slug give one 200 and the organization plugin's 400 ORGANIZATION_ALREADY_EXISTS to
 * the others, never a 500; one tenant, with exactly one owner.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { ADMIN, createTestApp, type TestApp } from "../helpers/test-app.ts";
import { PARALLEL, RACE_TIMEOUT_MS, race, statusCounts, TRIALS } from "./parallel.ts";

let t: TestApp;
let admin: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.signIn(ADMIN.email, ADMIN.password);
});
afterAll(() => t.close());

async function ownersOf(slug: string): Promise<{ tenants: number; owners: number }> {
  const db = t.deps.db.kysely;
  const tenants = await db.selectFrom("organization").select("id").where("slug", "=", slug).execute();
  const owners = await db
    .selectFrom("member as m")
    .innerJoin("organization as o", "o.id", "m.organizationId")
    .select("m.id")
    .where("o.slug", "=", slug)
    .where("m.role", "=", "owner")
    .execute();
  return { tenants: tenants.length, owners: owners.length };
}

describe("POST /api/auth/organization/create, many at once with one slug", () => {
  it(
    `answers one 200 and 400 ORGANIZATION_ALREADY_EXISTS to the others, ${TRIALS} times`,
    async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const slug = `race-tenant-${trial}`;
        const answers = await race((i) =>
          t.request("/api/auth/organization/create", { token: admin, json: { name: `Racer ${i}`, slug } }),
        );
        expect(statusCounts(answers)).toEqual({ 200: 1, 400: PARALLEL - 1 });
        for (const answer of answers.filter((a) => a.status === 400)) {
          expect(answer.body.code).toBe("ORGANIZATION_ALREADY_EXISTS");
        }
        expect(await ownersOf(slug)).toEqual({ tenants: 1, owners: 1 });
      }
    },
    RACE_TIMEOUT_MS,
  );
});
