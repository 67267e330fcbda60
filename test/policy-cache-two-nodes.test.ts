/**
 * Two nodes on one database (and one Redis when TEST_REDIS_URL is set): a tenant rule created, disabled or
 * deleted on node A decides the very next request on node B, although B holds that tenant's prepared policy set
 * (src/authz/service.ts reloads it when the stored policy version moved).
 */

import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { randomBytes } from "node:crypto";
import { createTestApp, type TestApp } from "./helpers/test-app.ts";
import { addUser, type Caller, call, createTenant, freshEmail, PASSWORD, signUp } from "./helpers/v1.ts";

const FREEZE = 'forbid (principal, action == Gatehouse::Action::"users.create", resource);';
const NOTICE = "User creation is frozen on every node.";

let a: TestApp;
let b: TestApp;
let ownerOnA: Caller;
let adminOnB: Caller;

// Accounts created through the API take seconds on a loaded machine: more than the default hook timeout.
beforeAll(async () => {
  const shared = { CACHE_PREFIX: `test:${randomBytes(6).toString("hex")}:` };
  a = await createTestApp({ env: shared });
  b = await createTestApp({
    env: shared,
    reuse: {
      dataDir: a.config.dataDir,
      ...(a.config.databaseSchema ? { schema: a.config.databaseSchema } : {}),
    },
  });
  const owner = await signUp(a, "Two Node Owner");
  const tenant = await createTenant(a, owner.token, "two-nodes");
  ownerOnA = { token: owner.token, tenant };
  const admin = await addUser(a, ownerOnA, ["admin"], "Two Node Admin");
  adminOnB = { token: admin.token, tenant };
  await mailDelivered();
}, 30_000);

afterAll(async () => {
  await b?.close();
  await a?.close();
});

/**
 * Until both nodes have delivered the mail they queued (each deletes its outbox row once the SMTP peer took it).
 * On SQLite the two nodes are two connections to one file in this one process: a node's delete in the background,
 * between the statements of the other's transaction, makes that transaction's next write fail with
 * SQLITE_BUSY_SNAPSHOT (its read snapshot is stale), which is not what this test is about.
 */
async function mailDelivered(): Promise<void> {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await Bun.sleep(20)) {
    const row = await a.deps.db.kysely
      .selectFrom("mail_outbox")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirst();
    if (Number(row?.n ?? 0) === 0) return;
  }
  throw new Error("the mail outbox did not empty");
}

const createOnB = async () => {
  const created = await call(b, "POST", "/v1/users", adminOnB, {
    email: freshEmail("two"),
    name: "N",
    password: PASSWORD,
    roles: ["user"],
  });
  await mailDelivered();
  return created;
};

describe("tenant rules across nodes", () => {
  it("decides the next request on node B by the rule just changed on node A", async () => {
    // B prepares the tenant's set (no rules yet) and keeps it.
    expect((await createOnB()).status).toBe(201);
    expect((await createOnB()).status).toBe(201);

    const created = await call<{ id: string }>(a, "POST", "/v1/policies", ownerOnA, {
      policy: FREEZE,
      notice: NOTICE,
    });
    expect(created.status).toBe(201);
    const frozen = await createOnB();
    expect(frozen.status).toBe(403);
    expect(frozen.body.notices).toEqual([NOTICE]);

    const off = await call(a, "PUT", `/v1/policies/${created.body.id}`, ownerOnA, { enabled: false });
    expect(off.status).toBe(200);
    expect((await createOnB()).status).toBe(201);

    const on = await call(a, "PUT", `/v1/policies/${created.body.id}`, ownerOnA, { enabled: true });
    expect(on.status).toBe(200);
    expect((await createOnB()).status).toBe(403);

    expect((await call(a, "DELETE", `/v1/policies/${created.body.id}`, ownerOnA)).status).toBe(204);
    expect((await createOnB()).status).toBe(201);
  });
});
