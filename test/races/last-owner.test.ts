/**
 * Issue 11 item 4: the last owner of a tenant holds under concurrency. Two owners demoting, suspending or
 * removing each other at once, or both leaving: exactly one request wins, the other gets the refusal in its
 * surface's shape (never a 500), and the tenant keeps one active owner. Each race runs TRIALS times, on SQLite
 * and (with TEST_DATABASE_URL) on PostgreSQL, where requests run on separate connections.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { dateParam } from "../../src/platform/db/values.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";
import { addUser, call, createTenant, signUp } from "../helpers/v1.ts";

const TRIALS = 20;
const RACE_TIMEOUT_MS = 60_000;

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

interface Pair {
  tenant: string;
  a: { id: string; token: string; memberId: string };
  b: { id: string; token: string; memberId: string };
}

let base: { tenant: string; a: { id: string; token: string }; b: { id: string; token: string } } | undefined;

/**
 * A tenant with two owners: made once through the API, then each trial resets its two memberships to active
 * owners in the database (new member ids), so that 20 trials cost 20 resets rather than 20 sign-ups.
 */
async function twoOwners(): Promise<Pair> {
  if (!base) {
    const a = await signUp(t, "Owner A");
    const tenant = await createTenant(t, a.token, "race");
    const b = await addUser(t, { token: a.token, tenant }, ["owner"], "Owner B");
    base = { tenant, a, b };
  }
  const { tenant, a, b } = base;
  const db = t.deps.db.kysely;
  await db.deleteFrom("member").where("organizationId", "=", tenant).execute();
  const now = dateParam(t.deps.db.dialect, new Date());
  const row = (userId: string) => ({
    id: crypto.randomUUID(),
    organizationId: tenant,
    userId,
    role: "owner",
    status: "active",
    createdAt: now,
  });
  const rows = [row(a.id), row(b.id)];
  await db.insertInto("member").values(rows).execute();
  return { tenant, a: { ...a, memberId: rows[0]?.id ?? "" }, b: { ...b, memberId: rows[1]?.id ?? "" } };
}

async function activeOwners(tenant: string): Promise<number> {
  const rows = await t.deps.db.kysely
    .selectFrom("member")
    .select(["role", "status"])
    .where("organizationId", "=", tenant)
    .execute();
  return rows.filter((row) => row.status !== "suspended" && String(row.role).split(",").includes("owner"))
    .length;
}

interface Outcome {
  status: number;
  code?: string;
}

async function outcome(response: Response): Promise<Outcome> {
  const body = (await response.json().catch(() => null)) as { code?: string } | null;
  return { status: response.status, ...(body?.code ? { code: body.code } : {}) };
}

/**
 * Runs the race TRIALS times. Every trial must end with one active owner, one winner (`winner`) and one loser
 * refused in the surface's shape with one of `refusals`: the guard's code, or what the loser meets once the
 * winner's change is in (it is no longer an owner, or no longer a member).
 */
async function race(run: (pair: Pair) => Promise<Outcome[]>, winner: number, refusals: Outcome[]) {
  const owners: number[] = [];
  const losers: Outcome[] = [];
  let winners = 0;
  for (let trial = 0; trial < TRIALS; trial++) {
    const pair = await twoOwners();
    const outcomes = await run(pair);
    owners.push(await activeOwners(pair.tenant));
    winners += outcomes.filter((o) => o.status === winner).length;
    losers.push(...outcomes.filter((o) => o.status !== winner));
  }
  expect(owners).toEqual(Array(TRIALS).fill(1));
  expect(winners).toBe(TRIALS);
  for (const loser of losers) expect(refusals).toContainEqual(loser);
}

/** /v1: the guard's 409, or the loser is no longer an owner (403 forbidden) or no longer a member (403). */
const V1_REFUSALS: Outcome[] = [
  { status: 409, code: "last_owner" },
  { status: 403, code: "forbidden" },
  { status: 403, code: "tenant_mismatch" },
];
/** better-auth's organization routes: its own check or the guard's (400), or the loser lost its standing. */
const ORGANIZATION_REFUSALS: Outcome[] = [
  { status: 400, code: "YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER" },
  { status: 400, code: "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER" },
  { status: 403, code: "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER" },
  { status: 401, code: "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_MEMBER" },
  { status: 400, code: "MEMBER_NOT_FOUND" },
];

const v1 = (pair: Pair, by: Pair["a"], method: string, target: Pair["a"], json?: unknown) =>
  call(t, method, `/v1/users/${target.id}`, { token: by.token, tenant: pair.tenant }, json).then(
    (answer) => ({
      status: answer.status,
      ...(answer.body?.code ? { code: String(answer.body.code) } : {}),
    }),
  );

describe("two owners of a tenant, at once", () => {
  it(
    "PATCH /v1/users: demoting each other — one 200, one 409 last_owner",
    async () => {
      await race(
        (pair) =>
          Promise.all([
            v1(pair, pair.a, "PATCH", pair.b, { roles: ["admin"] }),
            v1(pair, pair.b, "PATCH", pair.a, { roles: ["admin"] }),
          ]),
        200,
        V1_REFUSALS,
      );
    },
    RACE_TIMEOUT_MS,
  );

  it(
    "PATCH /v1/users: suspending each other — one 200, one 409 last_owner",
    async () => {
      await race(
        (pair) =>
          Promise.all([
            v1(pair, pair.a, "PATCH", pair.b, { active: false }),
            v1(pair, pair.b, "PATCH", pair.a, { active: false }),
          ]),
        200,
        V1_REFUSALS,
      );
    },
    RACE_TIMEOUT_MS,
  );

  it(
    "DELETE /v1/users: removing each other — one 204, one 409 last_owner",
    async () => {
      await race(
        (pair) => Promise.all([v1(pair, pair.a, "DELETE", pair.b), v1(pair, pair.b, "DELETE", pair.a)]),
        204,
        V1_REFUSALS,
      );
    },
    RACE_TIMEOUT_MS,
  );

  it(
    "POST /api/auth/organization/update-member-role: demoting each other — one 200, one 400",
    async () => {
      const demote = (pair: Pair, by: Pair["a"], target: Pair["a"]) =>
        t
          .request("/api/auth/organization/update-member-role", {
            token: by.token,
            json: { organizationId: pair.tenant, memberId: target.memberId, role: "admin" },
          })
          .then(outcome);
      await race(
        (pair) => Promise.all([demote(pair, pair.a, pair.b), demote(pair, pair.b, pair.a)]),
        200,
        ORGANIZATION_REFUSALS,
      );
    },
    RACE_TIMEOUT_MS,
  );

  it(
    "POST /api/auth/organization/leave: both leaving — one 200, one 400",
    async () => {
      const leave = (pair: Pair, by: Pair["a"]) =>
        t
          .request("/api/auth/organization/leave", { token: by.token, json: { organizationId: pair.tenant } })
          .then(outcome);
      await race(
        (pair) => Promise.all([leave(pair, pair.a), leave(pair, pair.b)]),
        200,
        ORGANIZATION_REFUSALS,
      );
    },
    RACE_TIMEOUT_MS,
  );

  it(
    "POST /api/auth/organization/remove-member: removing each other — one 200, one 400",
    async () => {
      const remove = (pair: Pair, by: Pair["a"], target: Pair["a"]) =>
        t
          .request("/api/auth/organization/remove-member", {
            token: by.token,
            json: { organizationId: pair.tenant, memberIdOrEmail: target.memberId },
          })
          .then(outcome);
      await race(
        (pair) => Promise.all([remove(pair, pair.a, pair.b), remove(pair, pair.b, pair.a)]),
        200,
        ORGANIZATION_REFUSALS,
      );
    },
    RACE_TIMEOUT_MS,
  );
});

describe("deleting the sole owner of a tenant that has other members", () => {
  it("DELETE /v1/users in default (a platform admin): 409 last_owner, the account stays whole", async () => {
    const adminToken = await t.signIn("admin@gatehouse.test", "admin-password-1");
    const pair = await twoOwners();
    // B stops being an owner; A is now the only one, with B and a plain member left in the tenant.
    expect((await v1(pair, pair.a, "PATCH", pair.b, { roles: ["admin"] })).status).toBe(200);
    const defaultId = String(
      (
        await t.deps.db.kysely
          .selectFrom("organization")
          .select("id")
          .where("slug", "=", "default")
          .executeTakeFirstOrThrow()
      ).id,
    );
    const answer = await call(t, "DELETE", `/v1/users/${pair.a.id}`, {
      token: adminToken,
      tenant: defaultId,
    });
    expect({ status: answer.status, code: answer.body?.code }).toEqual({ status: 409, code: "last_owner" });
    expect(await activeOwners(pair.tenant)).toBe(1);
    expect(
      await t.deps.db.kysely.selectFrom("account").select("id").where("userId", "=", pair.a.id).execute(),
    ).toHaveLength(1);
    expect(
      (
        await t.request("/api/auth/sign-in/email", {
          json: { email: (await userEmail(pair.a.id)) ?? "", password: "v1-test-password-1" },
        })
      ).status,
    ).toBe(200);
  });
});

async function userEmail(id: string): Promise<string | undefined> {
  const row = await t.deps.db.kysely
    .selectFrom("user")
    .select("email")
    .where("id", "=", id)
    .executeTakeFirst();
  return row ? String(row.email) : undefined;
}
