/**
 * The audit trail of each administrative flow: what an investigator finds after the change, with who did it,
 * in which tenant, from which address, and never the secret the flow handed out.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { ADMIN, createTestApp, type TestApp } from "../../../test/helpers/test-app.ts";
import { addUser, type Caller, call, createTenant, PASSWORD, signUp } from "../../../test/helpers/v1.ts";

interface EventJson {
  type: string;
  actor_type: string | null;
  actor_id: string | null;
  subject_type: string | null;
  subject_id: string | null;
  tenant_id: string | null;
  ip: string | null;
  details: Record<string, unknown> | null;
}

let t: TestApp;
let adminToken: string;
let owner: { id: string; token: string };
let tenant: string;
let asOwner: Caller;

beforeAll(async () => {
  t = await createTestApp();
  adminToken = await t.signIn(ADMIN.email, ADMIN.password);
  owner = await signUp(t, "Owner");
  tenant = await createTenant(t, owner.token);
  asOwner = { token: owner.token, tenant };
});
afterAll(() => t.close());

/** The tenant's events, as its owner reads them. */
async function tenantEvents(): Promise<EventJson[]> {
  const answer = await call<{ data: EventJson[] }>(t, "GET", "/v1/audit-events?limit=200", asOwner);
  expect(answer.status).toBe(200);
  return answer.body.data;
}

async function platformEvents(): Promise<EventJson[]> {
  const answer = await call<{ data: EventJson[] }>(t, "GET", "/v1/audit-events?scope=all&limit=200", {
    token: adminToken,
  });
  expect(answer.status).toBe(200);
  return answer.body.data;
}

describe("audit events of administrative changes", () => {
  it("records the creation of a tenant and a user in it by the owner, visible to the owner", async () => {
    const member = await addUser(t, asOwner, ["user"], "Recorded");
    const events = await tenantEvents();
    expect(events.find((e) => e.type === "user.created" && e.subject_id === member.id)).toMatchObject({
      actor_type: "user",
      actor_id: owner.id,
      tenant_id: tenant,
      ip: "127.0.0.1",
      details: { roles: ["user"] },
    });
    expect(events.some((e) => e.type === "tenant.created" && e.actor_id === owner.id)).toBe(true);
  });

  it("records role grants, suspension and removal of a membership", async () => {
    const member = await addUser(t, asOwner, ["user"], "Managed");
    expect(
      (await call(t, "PUT", `/v1/users/${member.id}`, asOwner, { name: "Managed", roles: ["admin"] })).status,
    ).toBe(200);
    expect((await call(t, "PATCH", `/v1/users/${member.id}`, asOwner, { active: false })).status).toBe(200);
    expect((await call(t, "DELETE", `/v1/users/${member.id}`, asOwner)).status).toBe(204);
    const mine = (await tenantEvents()).filter((e) => e.subject_id === member.id);
    const updates = mine.filter((e) => e.type === "member.updated").map((e) => e.details);
    expect(updates).toContainEqual({ changes: ["roles"], roles: ["admin"] });
    expect(updates).toContainEqual({ changes: ["active"], active: false });
    expect(mine.some((e) => e.type === "member.removed" && e.actor_id === owner.id)).toBe(true);
  });

  it("records policy and role changes of the tenant", async () => {
    const created = await call<{ id: string }>(t, "POST", "/v1/policies", asOwner, {
      policy: 'forbid (principal, action == Gatehouse::Action::"roles.create", resource);',
    });
    expect(created.status).toBe(201);
    expect((await call(t, "DELETE", `/v1/policies/${created.body.id}`, asOwner)).status).toBe(204);
    expect((await call(t, "POST", "/v1/roles", asOwner, { name: "auditor" })).status).toBe(201);
    expect((await call(t, "DELETE", "/v1/roles/auditor", asOwner)).status).toBe(204);
    const types = (await tenantEvents()).map((e) => `${e.type}:${e.subject_id}`);
    expect(types).toContain(`policy.created:${created.body.id}`);
    expect(types).toContain(`policy.deleted:${created.body.id}`);
    expect(types).toContain("role.created:auditor");
    expect(types).toContain("role.deleted:auditor");
  });

  it("records an API key's creation and revocation, never the key itself", async () => {
    const created = await call<{ id: string; key: string }>(t, "POST", "/v1/api-keys", asOwner, {
      name: "ci",
      roles: ["user"],
    });
    expect(created.status).toBe(201);
    expect((await call(t, "DELETE", `/v1/api-keys/${created.body.id}`, asOwner)).status).toBe(204);
    const events = await tenantEvents();
    expect(events.some((e) => e.type === "api_key.created" && e.subject_id === created.body.id)).toBe(true);
    expect(events.some((e) => e.type === "api_key.revoked" && e.subject_id === created.body.id)).toBe(true);
    const stored = await t.deps.db.kysely.selectFrom("audit_event").selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(created.body.key);
  });

  it("records impersonation start and stop with the admin as actor", async () => {
    const target = await signUp(t, "Target");
    const started = await t.request("/api/auth/admin/impersonate-user", {
      token: adminToken,
      json: { userId: target.id },
    });
    expect(started.status).toBe(200);
    const impersonation = started.headers.get("set-auth-token") ?? "";
    const adminCookie = (started.headers.getSetCookie?.() ?? [])
      .map((cookie) => cookie.split(";")[0])
      .find((cookie) => cookie?.includes("admin_session="));
    const stopped = await t.request("/api/auth/admin/stop-impersonating", {
      method: "POST",
      token: impersonation,
      json: {},
      headers: adminCookie ? { cookie: adminCookie } : {},
    });
    expect(stopped.status).toBe(200);
    const mine = (await platformEvents()).filter((e) => e.subject_id === target.id);
    const start = mine.find((e) => e.type === "impersonation.started");
    expect(start?.actor_id).toBeTruthy();
    expect(start?.actor_id).not.toBe(target.id);
    expect(mine.find((e) => e.type === "impersonation.stopped")?.actor_id).toBe(start?.actor_id ?? "");
    // The impersonated session is not the target signing in.
    expect(mine.some((e) => e.type === "sign_in.succeeded")).toBe(false);
  });

  it("records a Hasura /v1/login as a password sign-in, and a wrong password as a failure of that account", async () => {
    const user = await signUp(t, "Hasura");
    const login = (password: string) =>
      t.request("/v1/login", { json: { provider: "email", data: { email: user.email, password } } });
    expect((await login(PASSWORD)).status).toBe(200);
    expect((await login("not-the-password-9")).status).toBe(400);
    const mine = (await platformEvents()).filter((e) => e.subject_id === user.id).map((e) => e.type);
    expect(mine).toContain("sign_in.succeeded");
    expect(mine).toContain("sign_in.failed");
  });

  it("records a platform admin's deletion of an account", async () => {
    const doomed = await signUp(t, "Doomed");
    expect((await call(t, "DELETE", `/v1/users/${doomed.id}`, { token: adminToken })).status).toBe(204);
    const event = (await platformEvents()).find(
      (e) => e.type === "user.deleted" && e.subject_id === doomed.id,
    );
    expect(event?.actor_type).toBe("user");
    expect(event?.actor_id).not.toBe(doomed.id);
  });
});
