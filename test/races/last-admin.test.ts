/**
 * Issue 11 item 4, the platform side: the last active platform admin holds under concurrency. Two admins
 * demoting, banning or deleting each other at once, through each write path (better-auth's admin routes; /v1 and
 * GeoLens, whose deletion, deactivation and role change share the account service's writes with Hasura's
 * admin routes): exactly one request wins, the other is refused in its surface's shape (never a 500), and one
 * active admin is left. Each race runs TRIALS times, on SQLite and (with TEST_DATABASE_URL) on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { ADMIN, createTestApp, type TestApp } from "../helpers/test-app.ts";
import { call, defaultTenantId, freshEmail, PASSWORD } from "../helpers/v1.ts";

const TRIALS = 20;
const RACE_TIMEOUT_MS = 60_000;

interface Admin {
  readonly id: string;
  readonly email: string;
  readonly token: string;
}

let t: TestApp;
let current: Admin;
let defaultId = "";

beforeAll(async () => {
  t = await createTestApp();
  const token = await t.signIn(ADMIN.email, ADMIN.password);
  const row = await t.deps.db.kysely
    .selectFrom("user")
    .select("id")
    .where("email", "=", ADMIN.email)
    .executeTakeFirstOrThrow();
  current = { id: String(row.id), email: ADMIN.email, token };
  defaultId = await defaultTenantId(t);
});
afterAll(async () => {
  await t.close();
});

async function activeAdmins(): Promise<string[]> {
  const rows = await t.deps.db.kysely
    .selectFrom("user")
    .select(["id", "role", "banned", "status"])
    .where("role", "like", "%admin%")
    .execute();
  return rows
    .filter(
      (row) => String(row.role).split(",").includes("admin") && !row.banned && row.status !== "disabled",
    )
    .map((row) => String(row.id));
}

/** The admin of the last trial and a fresh one it creates: the platform's only two active admins. */
async function twoAdmins(): Promise<[Admin, Admin]> {
  const email = freshEmail("admin");
  const created = await t.request("/api/auth/admin/create-user", {
    token: current.token,
    json: { email, password: PASSWORD, name: "Admin", role: "admin" },
  });
  const body = (await created.json()) as { user?: { id: string } };
  if (!created.ok || !body.user) throw new Error(`create-user: ${JSON.stringify(body)}`);
  const fresh = { id: body.user.id, email, token: await t.signIn(email, PASSWORD) };
  await t.deps.db.kysely
    .updateTable("user")
    .set({ role: "user" })
    .where("role", "like", "%admin%")
    .where("id", "not in", [current.id, fresh.id])
    .execute();
  return [current, fresh];
}

interface Outcome {
  readonly status: number;
  readonly body: unknown;
}

async function outcome(response: Response): Promise<Outcome> {
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/**
 * TRIALS times: the two admins act on each other at once. One wins; the loser is refused with a 4xx in the
 * surface's shape (the guard's last-admin refusal, or what it meets once the winner's change is in: no longer an
 * admin, signed out); one active admin is left, and it makes the next trial's partner.
 */
async function race(act: (by: Admin, target: Admin) => Promise<Outcome>, winner: number, signedOut = false) {
  const left: number[] = [];
  const losers: Outcome[] = [];
  let winners = 0;
  for (let trial = 0; trial < TRIALS; trial++) {
    const [x, y] = await twoAdmins();
    const outcomes = await Promise.all([act(x, y), act(y, x)]);
    const admins = await activeAdmins();
    left.push(admins.length);
    winners += outcomes.filter((o) => o.status === winner).length;
    losers.push(...outcomes.filter((o) => o.status !== winner));
    const survivor = admins[0] === y.id ? y : x;
    // better-auth's remove-user ends the target's sessions before it deletes the account: when the guard refuses
    // the deletion, the surviving admin keeps its account and password (it signs in again) but was signed out.
    current = signedOut
      ? {
          ...survivor,
          token: await t.signIn(survivor.email, survivor.email === ADMIN.email ? ADMIN.password : PASSWORD),
        }
      : survivor;
  }
  expect(left).toEqual(Array(TRIALS).fill(1));
  expect(winners).toBe(TRIALS);
  for (const loser of losers) {
    expect(loser.status).toBeGreaterThanOrEqual(400);
    expect(loser.status).toBeLessThan(500);
    expect(loser.body).toBeObject();
  }
  return losers;
}

const betterAuth =
  (path: string, body: (target: Admin) => Record<string, unknown>) => (by: Admin, target: Admin) =>
    t.request(`/api/auth/admin/${path}`, { token: by.token, json: body(target) }).then(outcome);

describe("two platform admins acting on each other at once", () => {
  it(
    "POST /api/auth/admin/set-role to user: one 200, the other refused",
    async () => {
      const losers = await race(
        betterAuth("set-role", (target) => ({ userId: target.id, role: "user" })),
        200,
      );
      for (const loser of losers) expect(loser.body).toHaveProperty("code");
    },
    RACE_TIMEOUT_MS,
  );

  it(
    "POST /api/auth/admin/ban-user: one 200, the other refused",
    async () => {
      const losers = await race(
        betterAuth("ban-user", (target) => ({ userId: target.id })),
        200,
      );
      for (const loser of losers) expect(loser.body).toHaveProperty("code");
    },
    RACE_TIMEOUT_MS,
  );

  it(
    "POST /api/auth/admin/remove-user: one 200, the other refused",
    async () => {
      const losers = await race(
        betterAuth("remove-user", (target) => ({ userId: target.id })),
        200,
        true,
      );
      for (const loser of losers) expect(loser.body).toHaveProperty("code");
    },
    RACE_TIMEOUT_MS,
  );

  it(
    "DELETE /v1/users in default: one 204, the other refused",
    async () => {
      const losers = await race(
        (by, target) =>
          call(t, "DELETE", `/v1/users/${target.id}`, { token: by.token, tenant: defaultId }).then((a) => ({
            status: a.status,
            body: a.body,
          })),
        204,
      );
      for (const loser of losers) expect(loser.body).toHaveProperty("code");
    },
    RACE_TIMEOUT_MS,
  );

  it(
    "PATCH /v1/users in default with active false: one 200, the other refused",
    async () => {
      const losers = await race(
        (by, target) =>
          call(
            t,
            "PATCH",
            `/v1/users/${target.id}`,
            { token: by.token, tenant: defaultId },
            { active: false },
          ).then((a) => ({ status: a.status, body: a.body })),
        200,
      );
      for (const loser of losers) expect(loser.body).toHaveProperty("code");
    },
    RACE_TIMEOUT_MS,
  );

  it(
    "PATCH /api/admin/users/{id} (GeoLens) to role viewer: one 200, the other refused",
    async () => {
      const losers = await race(
        (by, target) =>
          t
            .request(`/api/admin/users/${target.id}`, {
              method: "PATCH",
              token: by.token,
              json: { role: "viewer" },
            })
            .then(outcome),
        200,
      );
      for (const loser of losers) expect(loser.body).toHaveProperty("detail");
    },
    RACE_TIMEOUT_MS,
  );
});
