/**
 * Tenants as better-auth's own client uses them: `organizationClient()` without Gatehouse's role catalogue names
 * the least-privileged role `member`, and people who just signed up have not verified their address. Both must
 * work: `member` is stored as the tenant role `user`, and an invitation is accepted without a verified address
 * unless REQUIRE_EMAIL_VERIFICATION=true.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createAuthClient } from "better-auth/client";
import { adminClient, organizationClient } from "better-auth/client/plugins";
import { ADMIN, createTestApp, type TestApp } from "../../test/helpers/test-app.ts";
import { memberRole } from "../../test/helpers/v1.ts";

const PASSWORD = "org-client-password-1";

/** better-auth's stock organization client: its role names are owner, admin and member. */
function stockClient(t: TestApp, token: string) {
  return createAuthClient({
    baseURL: t.baseUrl,
    plugins: [organizationClient(), adminClient()],
    fetchOptions: { headers: { authorization: `Bearer ${token}` } },
  });
}

let counter = 0;
const freshEmail = (label: string) => `${label}-${++counter}-${Date.now().toString(36)}@org-client.test`;

/** A user who signed up through /sign-up/email and has not opened the verification mail. */
async function signUp(t: TestApp, label: string): Promise<{ id: string; email: string; token: string }> {
  const email = freshEmail(label);
  const { data, error } = await createAuthClient({ baseURL: t.baseUrl }).signUp.email({
    email,
    password: PASSWORD,
    name: label,
  });
  if (error || !data?.token) throw new Error(`sign-up of ${email}: ${JSON.stringify(error)}`);
  return { id: data.user.id, email, token: data.token };
}

async function createTenant(t: TestApp, token: string): Promise<string> {
  const slug = `tenant-${++counter}-${Date.now().toString(36)}`;
  const { data, error } = await stockClient(t, token).organization.create({ name: slug, slug });
  if (error || !data) throw new Error(`organization/create: ${JSON.stringify(error)}`);
  return data.id;
}

async function roleIn(t: TestApp, tenantId: string, userId: string): Promise<string | undefined> {
  return (await memberRole(t, tenantId, userId)) ?? undefined;
}

async function invitationRow(t: TestApp, id: string) {
  const row = await t.deps.db.kysely
    .selectFrom("invitation")
    .select(["status", "role"])
    .where("id", "=", id)
    .executeTakeFirst();
  return row ? { status: String(row.status), role: String(row.role) } : undefined;
}

describe("with sign-up defaults (REQUIRE_EMAIL_VERIFICATION unset)", () => {
  let t: TestApp;
  let owner: { id: string; email: string; token: string };
  let tenantId: string;
  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
    owner = await signUp(t, "owner");
    tenantId = await createTenant(t, owner.token);
  });
  afterAll(() => t.close());

  describe("POST /api/auth/organization/invite-member", () => {
    it("accepts better-auth's role `member` and stores the tenant role user", async () => {
      const invitee = await signUp(t, "member-invitee");
      const { data, error } = await stockClient(t, owner.token).organization.inviteMember({
        email: invitee.email,
        role: "member",
        organizationId: tenantId,
      });
      expect(error).toBeNull();
      expect<string | undefined>(data?.role).toBe("user");
      expect(await invitationRow(t, data?.id ?? "")).toEqual({ status: "pending", role: "user" });

      const accepted = await stockClient(t, invitee.token).organization.acceptInvitation({
        invitationId: data?.id ?? "",
      });
      expect(accepted.error).toBeNull();
      expect(accepted.data?.member).toMatchObject({ userId: invitee.id, role: "user" });
      expect(await roleIn(t, tenantId, invitee.id)).toBe("user");
    });

    it("stores `member` among several roles as user, once", async () => {
      const response = await t.request("/api/auth/organization/invite-member", {
        token: owner.token,
        json: { email: freshEmail("several"), role: ["member", "admin", "user"], organizationId: tenantId },
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { id: string; role: string };
      expect(body.role).toBe("user,admin");
      expect((await invitationRow(t, body.id))?.role).toBe("user,admin");
    });
  });

  describe("POST /api/auth/organization/update-member-role", () => {
    it("accepts `member` to demote an admin to the tenant role user", async () => {
      const invitee = await signUp(t, "demoted");
      const client = stockClient(t, owner.token);
      const invited = await client.organization.inviteMember({
        email: invitee.email,
        role: "admin",
        organizationId: tenantId,
      });
      const accepted = await stockClient(t, invitee.token).organization.acceptInvitation({
        invitationId: invited.data?.id ?? "",
      });
      expect(await roleIn(t, tenantId, invitee.id)).toBe("admin");

      const { data, error } = await client.organization.updateMemberRole({
        organizationId: tenantId,
        memberId: accepted.data?.member.id ?? "",
        role: "member",
      });
      expect(error).toBeNull();
      expect<string | undefined>(data?.role).toBe("user");
      expect(await roleIn(t, tenantId, invitee.id)).toBe("user");
    });
  });

  describe("POST /api/auth/organization/accept-invitation", () => {
    it("lets an invitee whose address is not verified read, then accept the invitation", async () => {
      const invitee = await signUp(t, "unverified");
      const invited = await stockClient(t, owner.token).organization.inviteMember({
        email: invitee.email,
        role: "admin",
        organizationId: tenantId,
      });
      const id = invited.data?.id ?? "";
      const client = stockClient(t, invitee.token);
      const read = await client.organization.getInvitation({ query: { id } });
      expect(read.error).toBeNull();
      expect(read.data).toMatchObject({ id, organizationId: tenantId });
      const accepted = await client.organization.acceptInvitation({ invitationId: id });
      expect(accepted.error).toBeNull();
      expect((await invitationRow(t, id))?.status).toBe("accepted");
      expect(await roleIn(t, tenantId, invitee.id)).toBe("admin");
    });

    it("lets an invitee whose address is not verified reject the invitation", async () => {
      const invitee = await signUp(t, "unverified-rejecter");
      const invited = await stockClient(t, owner.token).organization.inviteMember({
        email: invitee.email,
        role: "admin",
        organizationId: tenantId,
      });
      const id = invited.data?.id ?? "";
      const rejected = await stockClient(t, invitee.token).organization.rejectInvitation({
        invitationId: id,
      });
      expect(rejected.error).toBeNull();
      expect((await invitationRow(t, id))?.status).toBe("rejected");
      expect(await roleIn(t, tenantId, invitee.id)).toBeUndefined();
    });
  });
});

describe("with REQUIRE_EMAIL_VERIFICATION=true", () => {
  let t: TestApp;
  let adminToken: string;
  beforeAll(async () => {
    t = await createTestApp({ env: { REQUIRE_EMAIL_VERIFICATION: "true" } });
    await t.listen();
    adminToken = await t.signIn(ADMIN.email, ADMIN.password);
  });
  afterAll(() => t.close());

  it("returns 403 EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION to an unverified invitee and adds no member", async () => {
    const admin = stockClient(t, adminToken);
    const tenantId = await createTenant(t, adminToken);
    const email = freshEmail("must-verify");
    const created = await admin.admin.createUser({ email, password: PASSWORD, name: "Unverified" });
    const userId = created.data?.user.id ?? "";
    // An unverified account cannot sign in here; the platform admin's impersonation gives it a session.
    const impersonated = await admin.admin.impersonateUser({ userId });
    const token = impersonated.data?.session.token ?? "";
    expect(token).not.toBe("");

    const invited = await admin.organization.inviteMember({ email, role: "admin", organizationId: tenantId });
    const id = invited.data?.id ?? "";
    const accepted = await stockClient(t, token).organization.acceptInvitation({ invitationId: id });
    expect(accepted.data).toBeNull();
    expect(accepted.error).toMatchObject({
      status: 403,
      code: "EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION",
      message: expect.any(String),
    });
    expect((await invitationRow(t, id))?.status).toBe("pending");
    expect(await roleIn(t, tenantId, userId)).toBeUndefined();
  });
});
