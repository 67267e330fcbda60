/**
 * Organizations (Gatehouse tenants) end to end: the official better-auth client with organizationClient against
 * a running server, users authenticated by Bearer session tokens, invitation mails read from the SMTP peer, and
 * every effect or non-effect checked in the organization, member and invitation tables.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join as joinPath } from "node:path";
import { createAuthClient } from "better-auth/client";
import { organizationClient } from "better-auth/client/plugins";
import { linkIn } from "../../test/helpers/smtp-peer.ts";
import { ADMIN, createTestApp, type TestApp } from "../../test/helpers/test-app.ts";
import { ConfigError, loadConfig } from "../config.ts";
import { invitationLink } from "./plugins/organization.ts";
import { tenantAc, tenantRoles } from "./plugins/organization-roles.ts";

const PASSWORD = "org-test-password-1";

function makeClient(baseURL: string, token: string) {
  return createAuthClient({
    baseURL,
    plugins: [organizationClient({ ac: tenantAc, roles: tenantRoles })],
    fetchOptions: { headers: { authorization: `Bearer ${token}` } },
  });
}
type Client = ReturnType<typeof makeClient>;

interface TestUser {
  readonly id: string;
  readonly email: string;
  readonly token: string;
  readonly client: Client;
}

let t: TestApp;
let adminToken = "";
let userCount = 0;

/** A verified user (created by the platform admin) with a session. */
async function makeUser(name: string): Promise<TestUser> {
  userCount += 1;
  const email = `${name}-${userCount}@org.test`;
  const created = await t.request("/api/auth/admin/create-user", {
    token: adminToken,
    json: { email, password: PASSWORD, name, role: "user", data: { emailVerified: true } },
  });
  const body = (await created.json()) as { user?: { id: string } };
  if (!created.ok || !body.user) throw new Error(`create-user ${email}: ${JSON.stringify(body)}`);
  const token = await t.signIn(email, PASSWORD);
  return { id: body.user.id, email, token, client: makeClient(t.baseUrl, token) };
}

let slugCount = 0;
function freshSlug(prefix = "tenant"): string {
  slugCount += 1;
  return `${prefix}-${slugCount}-${Date.now().toString(36)}`;
}

async function createOrg(owner: TestUser, prefix?: string): Promise<{ id: string; slug: string }> {
  const slug = freshSlug(prefix);
  const { data, error } = await owner.client.organization.create({ name: `Org ${slug}`, slug });
  if (error || !data) throw new Error(`create ${slug}: ${JSON.stringify(error)}`);
  return { id: data.id, slug };
}

/** Brings `user` into the organization with `role` through the public invitation flow. */
async function join(
  orgId: string,
  inviter: TestUser,
  user: TestUser,
  role: "admin" | "user",
): Promise<string> {
  const invited = await inviter.client.organization.inviteMember({
    email: user.email,
    role,
    organizationId: orgId,
  });
  if (invited.error || !invited.data) throw new Error(`invite: ${JSON.stringify(invited.error)}`);
  const accepted = await user.client.organization.acceptInvitation({ invitationId: invited.data.id });
  if (accepted.error || !accepted.data) throw new Error(`accept: ${JSON.stringify(accepted.error)}`);
  return accepted.data.member.id;
}

function db() {
  return t.deps.db.kysely;
}

async function membersOf(orgId: string): Promise<{ userId: string; role: string }[]> {
  const rows = await db()
    .selectFrom("member")
    .select(["userId", "role"])
    .where("organizationId", "=", orgId)
    .execute();
  return rows.map((row) => ({ userId: String(row.userId), role: String(row.role) }));
}

async function roleOf(orgId: string, userId: string): Promise<string | undefined> {
  return (await membersOf(orgId)).find((member) => member.userId === userId)?.role;
}

async function invitationRow(id: string): Promise<{ status: string; role: string } | undefined> {
  const row = await db()
    .selectFrom("invitation")
    .select(["status", "role"])
    .where("id", "=", id)
    .executeTakeFirst();
  return row ? { status: String(row.status), role: String(row.role) } : undefined;
}

async function invitationCount(orgId: string): Promise<number> {
  const rows = await db().selectFrom("invitation").select("id").where("organizationId", "=", orgId).execute();
  return rows.length;
}

async function organizationRow(id: string): Promise<{ name: string; slug: string } | undefined> {
  const row = await db()
    .selectFrom("organization")
    .select(["name", "slug"])
    .where("id", "=", id)
    .executeTakeFirst();
  return row ? { name: String(row.name), slug: String(row.slug) } : undefined;
}

/** A better-auth refusal: the status and the machine-readable code, with a message for people. */
function expectRefusal(
  error: { status: number; code?: string; message?: string } | null,
  status: number,
  code: string,
): void {
  expect(error).not.toBeNull();
  expect({ status: error?.status, code: error?.code }).toEqual({ status, code });
  expect(typeof error?.message).toBe("string");
}

let owner: TestUser;
let admin: TestUser;
let member: TestUser;
let outsider: TestUser;
let org: { id: string; slug: string };

beforeAll(async () => {
  t = await createTestApp();
  await t.listen();
  adminToken = await t.signIn(ADMIN.email, ADMIN.password);
  [owner, admin, member, outsider] = await Promise.all([
    makeUser("owner"),
    makeUser("admin"),
    makeUser("member"),
    makeUser("outsider"),
  ]);
  org = await createOrg(owner, "main");
  await join(org.id, owner, admin, "admin");
  await join(org.id, owner, member, "user");
});
afterAll(() => t.close());

describe("POST /api/auth/organization/create", () => {
  it("creates a tenant whose creator is its owner", async () => {
    const slug = freshSlug("acme");
    const { data, error } = await owner.client.organization.create({ name: "Acme", slug });
    expect(error).toBeNull();
    expect(data).toMatchObject({ name: "Acme", slug });
    const id = data?.id ?? "";
    expect(await organizationRow(id)).toEqual({ name: "Acme", slug });
    expect(await membersOf(id)).toEqual([{ userId: owner.id, role: "owner" }]);
  });

  it("returns 400 ORGANIZATION_ALREADY_EXISTS for a taken slug and creates nothing", async () => {
    const before = await db().selectFrom("organization").select("id").execute();
    const { data, error } = await outsider.client.organization.create({ name: "Copycat", slug: org.slug });
    expect(data).toBeNull();
    expectRefusal(error, 400, "ORGANIZATION_ALREADY_EXISTS");
    const after = await db().selectFrom("organization").select("id").execute();
    expect(after.length).toBe(before.length);
    const taken = await outsider.client.organization.checkSlug({ slug: org.slug });
    expectRefusal(taken.error, 400, "ORGANIZATION_SLUG_ALREADY_TAKEN");
  });
});

describe("POST /api/auth/organization/check-slug", () => {
  it("answers status true for a free slug and 400 ORGANIZATION_SLUG_ALREADY_TAKEN for a used one", async () => {
    const free = await outsider.client.organization.checkSlug({ slug: freshSlug("free") });
    expect(free.error).toBeNull();
    expect(free.data).toEqual({ status: true });
    const taken = await outsider.client.organization.checkSlug({ slug: org.slug });
    expect(taken.data).toBeNull();
    expectRefusal(taken.error, 400, "ORGANIZATION_SLUG_ALREADY_TAKEN");
  });
});

describe("POST /api/auth/organization/update", () => {
  it("lets an admin rename the tenant", async () => {
    const { data, error } = await admin.client.organization.update({
      organizationId: org.id,
      data: { name: "Main Tenant" },
    });
    expect(error).toBeNull();
    expect(data?.name).toBe("Main Tenant");
    expect((await organizationRow(org.id))?.name).toBe("Main Tenant");
  });

  it("returns 403 YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_ORGANIZATION for a user and changes nothing", async () => {
    const before = await organizationRow(org.id);
    const { error } = await member.client.organization.update({
      organizationId: org.id,
      data: { name: "Hijacked" },
    });
    expectRefusal(error, 403, "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_ORGANIZATION");
    expect(await organizationRow(org.id)).toEqual(before);
  });
});

describe("POST /api/auth/organization/set-active and GET /get-active-member", () => {
  it("stores the active tenant on the session and reports the caller's membership in it", async () => {
    const { error } = await admin.client.organization.setActive({ organizationId: org.id });
    expect(error).toBeNull();
    const session = await db()
      .selectFrom("session")
      .select("activeOrganizationId")
      .where("token", "=", admin.token)
      .executeTakeFirst();
    expect(session?.activeOrganizationId).toBe(org.id);
    const active = await admin.client.organization.getActiveMember();
    expect(active.error).toBeNull();
    expect(active.data).toMatchObject({ organizationId: org.id, userId: admin.id, role: "admin" });
  });

  it("returns 403 USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION for a non-member and keeps the session as it was", async () => {
    const { error } = await outsider.client.organization.setActive({ organizationId: org.id });
    expectRefusal(error, 403, "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION");
    const session = await db()
      .selectFrom("session")
      .select("activeOrganizationId")
      .where("token", "=", outsider.token)
      .executeTakeFirst();
    expect(session?.activeOrganizationId ?? null).toBeNull();
    const active = await outsider.client.organization.getActiveMember();
    expectRefusal(active.error, 400, "NO_ACTIVE_ORGANIZATION");
  });
});

describe("GET /api/auth/organization/get-full-organization", () => {
  it("returns the tenant with its members and their roles to a member", async () => {
    const { data, error } = await member.client.organization.getFullOrganization({
      query: { organizationId: org.id },
    });
    expect(error).toBeNull();
    expect(data?.id).toBe(org.id);
    const roles = Object.fromEntries((data?.members ?? []).map((m) => [m.userId, m.role]));
    expect(roles).toEqual({ [owner.id]: "owner", [admin.id]: "admin", [member.id]: "user" });
  });

  it("returns 403 USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION to a member of another tenant", async () => {
    await createOrg(outsider, "other");
    const { data, error } = await outsider.client.organization.getFullOrganization({
      query: { organizationId: org.id },
    });
    expect(data).toBeNull();
    expectRefusal(error, 403, "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION");
    expect(await roleOf(org.id, outsider.id)).toBeUndefined();
  });
});

describe("GET /api/auth/organization/list", () => {
  it("lists exactly the tenants the caller belongs to", async () => {
    const { data, error } = await member.client.organization.list();
    expect(error).toBeNull();
    // Every account is a member of `default` too (issue #9).
    expect((data ?? []).map((o) => o.slug).sort()).toEqual(["default", org.slug].sort());
  });
});

describe("GET /api/auth/organization/list-members", () => {
  it("lists the members with their roles and the total", async () => {
    const { data, error } = await member.client.organization.listMembers({
      query: { organizationId: org.id },
    });
    expect(error).toBeNull();
    expect(data?.total).toBe(3);
    expect((data?.members ?? []).map((m) => m.role).sort()).toEqual(["admin", "owner", "user"]);
  });

  it("sorts and filters by member fields and returns 400 VALIDATION_ERROR for an unknown field", async () => {
    const sorted = await member.client.organization.listMembers({
      query: {
        organizationId: org.id,
        sortBy: "role",
        sortDirection: "asc",
        filterField: "role",
        filterValue: "admin",
      },
    });
    expect(sorted.error).toBeNull();
    expect((sorted.data?.members ?? []).map((m) => m.userId)).toContain(admin.id);
    expect((sorted.data?.members ?? []).every((m) => m.role === "admin")).toBe(true);
    for (const query of ["sortBy=password", "filterField=nope&filterValue=1"]) {
      const response = await t.request(
        `/api/auth/organization/list-members?organizationId=${org.id}&${query}`,
        {
          token: member.token,
        },
      );
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect(await response.json()).toMatchObject({ code: "VALIDATION_ERROR" });
    }
  });

  it("returns 403 YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION to a non-member", async () => {
    const { error } = await outsider.client.organization.listMembers({ query: { organizationId: org.id } });
    expectRefusal(error, 403, "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION");
  });
});

describe("POST /api/auth/organization/has-permission", () => {
  it("grants each role its permissions: owner deletes, admin manages members, user only reads", async () => {
    const ask = async (user: TestUser, permissions: Record<string, string[]>) => {
      const { data, error } = await user.client.organization.hasPermission({
        organizationId: org.id,
        permissions,
      });
      expect(error).toBeNull();
      return data?.success;
    };
    expect(await ask(owner, { organization: ["delete"] })).toBe(true);
    expect(await ask(admin, { organization: ["delete"] })).toBe(false);
    expect(await ask(admin, { member: ["create", "delete"], invitation: ["create"] })).toBe(true);
    expect(await ask(member, { invitation: ["create"] })).toBe(false);
    expect(await ask(member, { member: ["delete"] })).toBe(false);
  });

  it("returns 401 USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION to a non-member", async () => {
    const { error } = await outsider.client.organization.hasPermission({
      organizationId: org.id,
      permissions: { organization: ["update"] },
    });
    expectRefusal(error, 401, "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION");
  });
});

describe("invitations", () => {
  it("invites by mail with a link carrying the invitation id, which the invitee can open and accept", async () => {
    const invitee = await makeUser("invitee");
    const { data, error } = await admin.client.organization.inviteMember({
      email: invitee.email,
      role: "user",
      organizationId: org.id,
    });
    expect(error).toBeNull();
    const id = data?.id ?? "";
    expect(await invitationRow(id)).toEqual({ status: "pending", role: "user" });

    const mail = await t.smtp.waitFor((m) => m.to.includes(invitee.email));
    expect(mail.subject).toContain("Main Tenant");
    const link = linkIn(mail, t.baseUrl);
    expect(link).toContain(encodeURIComponent(id));
    // The hosted page that shows and answers it (src/http/pages/invitation.ts).
    expect(new URL(link).pathname).toBe(`/accept-invitation/${encodeURIComponent(id)}`);
    const opened = await fetch(link);
    expect(opened.status).toBe(200);
    expect(opened.headers.get("content-type")).toStartWith("text/html");

    const got = await invitee.client.organization.getInvitation({ query: { id } });
    expect(got.error).toBeNull();
    expect(got.data).toMatchObject({ id, email: invitee.email, role: "user", inviterEmail: admin.email });

    const mine = await invitee.client.organization.listUserInvitations();
    expect((mine.data ?? []).map((i) => i.id)).toEqual([id]);
    const listed = await owner.client.organization.listInvitations({ query: { organizationId: org.id } });
    expect((listed.data ?? []).map((i) => i.id)).toContain(id);

    const accepted = await invitee.client.organization.acceptInvitation({ invitationId: id });
    expect(accepted.error).toBeNull();
    expect(accepted.data?.member).toMatchObject({ userId: invitee.id, role: "user" });
    expect((await invitationRow(id))?.status).toBe("accepted");
    expect(await roleOf(org.id, invitee.id)).toBe("user");
  });

  it("gives an invitation without a role the role user", async () => {
    const email = `norole-${Date.now()}@org.test`;
    const response = await t.request("/api/auth/organization/invite-member", {
      token: owner.token,
      json: { email, organizationId: org.id },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { id: string; role: string };
    expect(body.role).toBe("user");
    expect((await invitationRow(body.id))?.role).toBe("user");
  });

  it("returns 400 ROLE_NOT_FOUND for a role outside the catalogue", async () => {
    const before = await invitationCount(org.id);
    for (const role of ["nope", ["user", "superuser"], ["member", "root"], []]) {
      const response = await t.request("/api/auth/organization/invite-member", {
        token: owner.token,
        json: { email: `bad-role-${Date.now()}@org.test`, role, organizationId: org.id },
      });
      expect({ role, status: response.status }).toEqual({ role, status: 400 });
      expect(await response.json()).toMatchObject({ code: "ROLE_NOT_FOUND", message: expect.any(String) });
    }
    expect(await invitationCount(org.id)).toBe(before);
  });

  it("returns 403 YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION to a user and sends nothing", async () => {
    const before = await invitationCount(org.id);
    const email = `by-member-${Date.now()}@org.test`;
    const { error } = await member.client.organization.inviteMember({
      email,
      role: "user",
      organizationId: org.id,
    });
    expectRefusal(error, 403, "YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION");
    expect(await invitationCount(org.id)).toBe(before);
    expect(t.smtp.messages.some((m) => m.to.includes(email))).toBe(false);
  });

  it("returns 403 YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION to another user and leaves it pending", async () => {
    const [invitee, intruder] = await Promise.all([makeUser("invitee"), makeUser("intruder")]);
    const { data } = await owner.client.organization.inviteMember({
      email: invitee.email,
      role: "admin",
      organizationId: org.id,
    });
    const id = data?.id ?? "";
    const accepted = await intruder.client.organization.acceptInvitation({ invitationId: id });
    expect(accepted.data).toBeNull();
    expectRefusal(accepted.error, 403, "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION");
    const read = await intruder.client.organization.getInvitation({ query: { id } });
    expectRefusal(read.error, 403, "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION");
    const rejected = await intruder.client.organization.rejectInvitation({ invitationId: id });
    expectRefusal(rejected.error, 403, "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION");
    expect(await invitationRow(id)).toEqual({ status: "pending", role: "admin" });
    expect(await roleOf(org.id, intruder.id)).toBeUndefined();
    expect(await roleOf(org.id, invitee.id)).toBeUndefined();
  });

  it("lets the invitee reject an invitation, which adds no member", async () => {
    const invitee = await makeUser("rejecter");
    const { data } = await owner.client.organization.inviteMember({
      email: invitee.email,
      role: "user",
      organizationId: org.id,
    });
    const id = data?.id ?? "";
    const rejected = await invitee.client.organization.rejectInvitation({ invitationId: id });
    expect(rejected.error).toBeNull();
    expect((await invitationRow(id))?.status).toBe("rejected");
    const accepted = await invitee.client.organization.acceptInvitation({ invitationId: id });
    expectRefusal(accepted.error, 400, "INVITATION_NOT_FOUND");
    expect(await roleOf(org.id, invitee.id)).toBeUndefined();
  });

  it("cancels an invitation, which can then no longer be accepted", async () => {
    const invitee = await makeUser("cancelled");
    const { data } = await admin.client.organization.inviteMember({
      email: invitee.email,
      role: "user",
      organizationId: org.id,
    });
    const id = data?.id ?? "";
    const refused = await member.client.organization.cancelInvitation({ invitationId: id });
    expectRefusal(refused.error, 403, "YOU_ARE_NOT_ALLOWED_TO_CANCEL_THIS_INVITATION");
    expect((await invitationRow(id))?.status).toBe("pending");

    const cancelled = await admin.client.organization.cancelInvitation({ invitationId: id });
    expect(cancelled.error).toBeNull();
    expect((await invitationRow(id))?.status).toBe("canceled");
    const accepted = await invitee.client.organization.acceptInvitation({ invitationId: id });
    expectRefusal(accepted.error, 400, "INVITATION_NOT_FOUND");
    expect((await invitationRow(id))?.status).toBe("canceled");
    expect(await roleOf(org.id, invitee.id)).toBeUndefined();
  });

  it("refuses an expired invitation with 400 INVITATION_NOT_FOUND and adds no member", async () => {
    const invitee = await makeUser("late");
    const { data } = await owner.client.organization.inviteMember({
      email: invitee.email,
      role: "user",
      organizationId: org.id,
    });
    const id = data?.id ?? "";
    // Arrange the passage of time: move the expiry into the past, in the format the adapter wrote it.
    const row = await db()
      .selectFrom("invitation")
      .select("expiresAt")
      .where("id", "=", id)
      .executeTakeFirst();
    const past = new Date(Date.now() - 60_000);
    const stored: unknown = row?.expiresAt;
    const expiresAt =
      stored instanceof Date ? past : typeof stored === "number" ? past.getTime() : past.toISOString();
    await db().updateTable("invitation").set({ expiresAt }).where("id", "=", id).execute();

    const got = await invitee.client.organization.getInvitation({ query: { id } });
    expectRefusal(got.error, 400, "INVITATION_NOT_FOUND");
    const accepted = await invitee.client.organization.acceptInvitation({ invitationId: id });
    expectRefusal(accepted.error, 400, "INVITATION_NOT_FOUND");
    expect((await invitationRow(id))?.status).toBe("pending");
    expect(await roleOf(org.id, invitee.id)).toBeUndefined();
  });
});

describe("POST /api/auth/organization/update-member-role", () => {
  it("lets the owner promote a user to admin", async () => {
    const promoted = await makeUser("promoted");
    const memberId = await join(org.id, owner, promoted, "user");
    const { error } = await owner.client.organization.updateMemberRole({
      organizationId: org.id,
      memberId,
      role: "admin",
    });
    expect(error).toBeNull();
    expect(await roleOf(org.id, promoted.id)).toBe("admin");
  });

  it("returns 403 YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER when an admin tries to make an owner", async () => {
    const target = await makeUser("target");
    const memberId = await join(org.id, owner, target, "user");
    const { error } = await admin.client.organization.updateMemberRole({
      organizationId: org.id,
      memberId,
      role: "owner",
    });
    expectRefusal(error, 403, "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER");
    const byUser = await member.client.organization.updateMemberRole({
      organizationId: org.id,
      memberId,
      role: "admin",
    });
    expectRefusal(byUser.error, 403, "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER");
    expect(await roleOf(org.id, target.id)).toBe("user");
  });

  it("returns 400 ROLE_NOT_FOUND for a role outside the catalogue and keeps the old role", async () => {
    const target = await makeUser("unrolled");
    const memberId = await join(org.id, owner, target, "user");
    for (const role of ["root", ["member", "superuser"], []]) {
      const response = await t.request("/api/auth/organization/update-member-role", {
        token: owner.token,
        json: { organizationId: org.id, memberId, role },
      });
      expect({ role, status: response.status }).toEqual({ role, status: 400 });
      expect(await response.json()).toMatchObject({ code: "ROLE_NOT_FOUND" });
    }
    expect(await roleOf(org.id, target.id)).toBe("user");
  });
});

describe("POST /api/auth/organization/remove-member", () => {
  it("lets an admin remove a user", async () => {
    const leaving = await makeUser("removed");
    await join(org.id, owner, leaving, "user");
    const { data, error } = await admin.client.organization.removeMember({
      organizationId: org.id,
      memberIdOrEmail: leaving.email,
    });
    expect(error).toBeNull();
    expect(data?.member.userId).toBe(leaving.id);
    expect(await roleOf(org.id, leaving.id)).toBeUndefined();
  });

  it("returns 401 YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_MEMBER to a user removing someone", async () => {
    const before = await membersOf(org.id);
    const { error } = await member.client.organization.removeMember({
      organizationId: org.id,
      memberIdOrEmail: admin.email,
    });
    expectRefusal(error, 401, "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_MEMBER");
    expect(await membersOf(org.id)).toEqual(before);
  });

  it("refuses an admin or a user removing the owner, and the owner stays", async () => {
    for (const remover of [admin, member]) {
      const { error } = await remover.client.organization.removeMember({
        organizationId: org.id,
        memberIdOrEmail: owner.email,
      });
      expectRefusal(error, 400, "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER");
    }
    expect(await roleOf(org.id, owner.id)).toBe("owner");
  });
});

describe("POST /api/auth/organization/leave", () => {
  it("lets a user leave", async () => {
    const leaver = await makeUser("leaver");
    await join(org.id, owner, leaver, "user");
    const { error } = await leaver.client.organization.leave({ organizationId: org.id });
    expect(error).toBeNull();
    expect(await roleOf(org.id, leaver.id)).toBeUndefined();
  });

  it("returns 400 YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER to the only owner", async () => {
    const { error } = await owner.client.organization.leave({ organizationId: org.id });
    expectRefusal(error, 400, "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER");
    expect(await roleOf(org.id, owner.id)).toBe("owner");
  });
});

describe("POST /api/auth/organization/delete", () => {
  it("returns 403 YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_ORGANIZATION to an admin and keeps the tenant", async () => {
    const { error } = await admin.client.organization.delete({ organizationId: org.id });
    expectRefusal(error, 403, "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_ORGANIZATION");
    expect(await organizationRow(org.id)).toBeDefined();
  });

  it("lets the owner delete the tenant with its members and invitations", async () => {
    const doomed = await createOrg(owner, "doomed");
    const guest = await makeUser("guest");
    await join(doomed.id, owner, guest, "user");
    await owner.client.organization.inviteMember({
      email: `pending-${Date.now()}@org.test`,
      role: "user",
      organizationId: doomed.id,
    });
    expect(await invitationCount(doomed.id)).toBe(2);
    const { error } = await owner.client.organization.delete({ organizationId: doomed.id });
    expect(error).toBeNull();
    expect(await organizationRow(doomed.id)).toBeUndefined();
    expect(await membersOf(doomed.id)).toEqual([]);
    expect(await invitationCount(doomed.id)).toBe(0);
    expect(await roleOf(org.id, owner.id)).toBe("owner");
  });
});

describe("invitation link (INVITATION_URL)", () => {
  function configWith(invitationUrl: string) {
    const dataDir = mkdtempSync(joinPath(tmpdir(), "gatehouse-config-"));
    try {
      return loadConfig(
        {
          NODE_ENV: "test",
          DATA_DIR: dataDir,
          BASE_URL: "https://id.example.com",
          INVITATION_URL: invitationUrl,
        },
        () => {},
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  it("points at the client app's accept page with the invitation id when INVITATION_URL is set", () => {
    const config = configWith("https://app.example.com/invitations/{id}/accept");
    expect(invitationLink(config, "inv 1")).toBe("https://app.example.com/invitations/inv%201/accept");
  });

  it("refuses an INVITATION_URL without {id} at start-up", () => {
    expect(() => configWith("https://app.example.com/invitations")).toThrow(ConfigError);
  });
});
