/**
 * A membership suspended by its tenant (PATCH /v1/users/{id} {active:false} with X-Tenant-ID) is no membership in
 * better-auth's organization routes either (src/auth/plugins/suspended-memberships.ts): the suspended member,
 * still signed in, is refused there as a non-member, reading or writing; the tenant is not offered by
 * organization/list and set-active refuses it; the member keeps working in their other tenants and in
 * `default`; reactivated, they work in the tenant again. Driven through the official better-auth client against
 * a running server, with every refused write checked in the database.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createAuthClient } from "better-auth/client";
import { organizationClient } from "better-auth/client/plugins";
import { ADMIN, createTestApp, type TestApp } from "../../test/helpers/test-app.ts";
import { call, defaultTenantId, freshEmail, PASSWORD } from "../../test/helpers/v1.ts";
import { errorMessage } from "../i18n/index.ts";
import { tenantAc, tenantRoles } from "./plugins/organization-roles.ts";

function makeClient(baseURL: string, token: string, headers: Record<string, string> = {}) {
  return createAuthClient({
    baseURL,
    plugins: [organizationClient({ ac: tenantAc, roles: tenantRoles })],
    fetchOptions: { headers: { authorization: `Bearer ${token}`, ...headers } },
  });
}
type Client = ReturnType<typeof makeClient>;

interface Person {
  readonly id: string;
  readonly email: string;
  readonly token: string;
  readonly client: Client;
}

let t: TestApp;
let adminToken = "";

/** A verified account made by the platform admin, signed in. */
async function person(name: string): Promise<Person> {
  const email = freshEmail(name);
  const created = await t.request("/api/auth/admin/create-user", {
    token: adminToken,
    json: { email, password: PASSWORD, name, role: "user", data: { emailVerified: true } },
  });
  const body = (await created.json()) as { user?: { id: string } };
  if (!created.ok || !body.user) throw new Error(`create-user: ${JSON.stringify(body)}`);
  const token = await t.signIn(email, PASSWORD);
  return { id: body.user.id, email, token, client: makeClient(t.baseUrl, token) };
}

let slugs = 0;
async function tenant(owner: Person, prefix: string): Promise<string> {
  slugs += 1;
  const slug = `${prefix}-${slugs}-${Date.now().toString(36)}`;
  const { data, error } = await owner.client.organization.create({ name: slug, slug });
  if (error || !data) throw new Error(`organization/create: ${JSON.stringify(error)}`);
  return data.id;
}

/** Joins through better-auth's invitation flow; returns the member id. */
async function join(
  tenantId: string,
  inviter: Person,
  user: Person,
  role: "admin" | "user",
): Promise<string> {
  const invited = await inviter.client.organization.inviteMember({
    email: user.email,
    role,
    organizationId: tenantId,
  });
  if (invited.error || !invited.data) throw new Error(`invite: ${JSON.stringify(invited.error)}`);
  const accepted = await user.client.organization.acceptInvitation({ invitationId: invited.data.id });
  if (accepted.error || !accepted.data) throw new Error(`accept: ${JSON.stringify(accepted.error)}`);
  return accepted.data.member.id;
}

async function membership(tenantId: string, userId: string) {
  const row = await t.deps.db.kysely
    .selectFrom("member")
    .select(["role", "status"])
    .where("organizationId", "=", tenantId)
    .where("userId", "=", userId)
    .executeTakeFirst();
  return row ? { role: String(row.role), status: String(row.status) } : null;
}

async function invitationsFor(email: string): Promise<number> {
  const rows = await t.deps.db.kysely
    .selectFrom("invitation")
    .select("id")
    .where("email", "=", email)
    .execute();
  return rows.length;
}

async function listedTenants(client: Client): Promise<string[]> {
  const { data, error } = await client.organization.list();
  expect(error).toBeNull();
  return (data ?? []).map((organization) => organization.id);
}

/** better-auth's refusal as the client reports it. */
function refusal(answer: { error: { status: number; code?: string } | null }) {
  return { status: answer.error?.status, code: answer.error?.code };
}

const NOT_A_MEMBER = { status: 403, code: "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION" };
const MEMBER_NOT_FOUND = { status: 400, code: "MEMBER_NOT_FOUND" };

beforeAll(async () => {
  t = await createTestApp();
  await t.listen();
  adminToken = await t.signIn(ADMIN.email, ADMIN.password);
});
afterAll(() => t?.close());

describe("a member of A suspended by A's admin, still signed in", () => {
  let defaultId = "";
  let ownerA: Person;
  let adminA: Person;
  let ownerB: Person;
  let deputy: Person;
  let colleague: Person;
  let tenantA = "";
  let tenantB = "";
  let colleagueMemberId = "";

  beforeAll(async () => {
    defaultId = await defaultTenantId(t);
    ownerA = await person("owner-a");
    adminA = await person("admin-a");
    ownerB = await person("owner-b");
    deputy = await person("deputy");
    colleague = await person("colleague");
    tenantA = await tenant(ownerA, "tenant-a");
    tenantB = await tenant(ownerB, "tenant-b");
    await join(tenantA, ownerA, adminA, "admin");
    // The deputy is an admin of A, so that refusing its writes there means something.
    await join(tenantA, ownerA, deputy, "admin");
    colleagueMemberId = await join(tenantA, ownerA, colleague, "user");
    await join(tenantB, ownerB, deputy, "user");
    // Acting in A (its active organization) when the suspension comes.
    expect((await deputy.client.organization.setActive({ organizationId: tenantA })).error).toBeNull();

    const suspended = await call(
      t,
      "PATCH",
      `/v1/users/${deputy.id}`,
      { token: adminA.token, tenant: tenantA },
      { active: false },
    );
    expect(suspended.status).toBe(200);
    expect(await membership(tenantA, deputy.id)).toEqual({ role: "admin", status: "suspended" });
  });

  it("is not an active member of A: get-active-member and get-active-member-role refuse", async () => {
    expect(refusal(await deputy.client.organization.getActiveMember())).toEqual(MEMBER_NOT_FOUND);
    expect(
      refusal(await deputy.client.organization.getActiveMemberRole({ query: { organizationId: tenantA } })),
    ).toEqual({ status: 403, code: "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION" });
  });

  it("cannot read A: get-full-organization, list-members and list-invitations answer as for a non-member", async () => {
    const full = await deputy.client.organization.getFullOrganization({ query: { organizationId: tenantA } });
    expect(full.data).toBeNull();
    expect(refusal(full)).toEqual(NOT_A_MEMBER);
    expect(
      refusal(await deputy.client.organization.listMembers({ query: { organizationId: tenantA } })),
    ).toEqual({ status: 403, code: "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION" });
    expect(
      refusal(await deputy.client.organization.listInvitations({ query: { organizationId: tenantA } })),
    ).toEqual({ status: 403, code: "FORBIDDEN" });
  });

  it("cannot act in A: invite-member, update-member-role and remove-member change nothing", async () => {
    const invitee = freshEmail("invitee");
    const invited = await deputy.client.organization.inviteMember({
      email: invitee,
      role: "user",
      organizationId: tenantA,
    });
    expect(refusal(invited)).toEqual(MEMBER_NOT_FOUND);
    expect(await invitationsFor(invitee)).toBe(0);

    const promoted = await deputy.client.organization.updateMemberRole({
      memberId: colleagueMemberId,
      role: "admin",
      organizationId: tenantA,
    });
    expect(refusal(promoted)).toEqual(MEMBER_NOT_FOUND);
    const removed = await deputy.client.organization.removeMember({
      memberIdOrEmail: colleague.email,
      organizationId: tenantA,
    });
    expect(refusal(removed)).toEqual(MEMBER_NOT_FOUND);
    expect(await membership(tenantA, colleague.id)).toEqual({ role: "user", status: "active" });
  });

  it("is refused in its language, like every other auth answer", async () => {
    const inGerman = makeClient(t.baseUrl, deputy.token, { "accept-language": "de" });
    const full = await inGerman.organization.getFullOrganization({ query: { organizationId: tenantA } });
    expect(refusal(full)).toEqual(NOT_A_MEMBER);
    const german = errorMessage("de", NOT_A_MEMBER.code);
    expect(german).toBeDefined();
    expect(german).not.toBe(errorMessage("en", NOT_A_MEMBER.code));
    expect(full.error?.message).toBe(german);
  });

  it("is not offered A by organization/list, and set-active to A is refused", async () => {
    const listed = await listedTenants(deputy.client);
    expect(listed).not.toContain(tenantA);
    expect(listed).toEqual(expect.arrayContaining([tenantB, defaultId]));
    expect(refusal(await deputy.client.organization.setActive({ organizationId: tenantA }))).toEqual(
      NOT_A_MEMBER,
    );
    const session = await deputy.client.getSession();
    expect(session.data?.session.activeOrganizationId ?? null).not.toBe(tenantA);
  });

  it("still works in B and in default", async () => {
    const activeB = await deputy.client.organization.setActive({ organizationId: tenantB });
    expect(activeB.error).toBeNull();
    expect(activeB.data?.id).toBe(tenantB);
    const member = await deputy.client.organization.getActiveMember();
    expect(member.data).toMatchObject({ userId: deputy.id, organizationId: tenantB, role: "user" });
    const full = await deputy.client.organization.getFullOrganization({ query: { organizationId: tenantB } });
    expect(full.error).toBeNull();
    expect(full.data?.members.map((m) => m.userId)).toContain(deputy.id);
    const inDefault = await deputy.client.organization.listMembers({ query: { organizationId: defaultId } });
    expect(inDefault.error).toBeNull();
    expect(await membership(tenantB, deputy.id)).toEqual({ role: "user", status: "active" });
    expect(await membership(defaultId, deputy.id)).toEqual({ role: "user", status: "active" });
  });

  it("is still seen by A's admin, who can manage the suspended membership", async () => {
    const members = await adminA.client.organization.listMembers({ query: { organizationId: tenantA } });
    expect(members.error).toBeNull();
    expect(members.data?.members.map((m) => m.userId)).toContain(deputy.id);
    // Not a second membership beside the suspended one: A's admin finds it when inviting the same person.
    const again = await adminA.client.organization.inviteMember({
      email: deputy.email,
      role: "user",
      organizationId: tenantA,
    });
    expect(refusal(again)).toEqual({ status: 400, code: "USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION" });
  });

  it("reactivated by A's admin, reads and acts in A again", async () => {
    const reactivated = await call(
      t,
      "PATCH",
      `/v1/users/${deputy.id}`,
      { token: adminA.token, tenant: tenantA },
      { active: true },
    );
    expect(reactivated.status).toBe(200);
    expect(await membership(tenantA, deputy.id)).toEqual({ role: "admin", status: "active" });

    expect(await listedTenants(deputy.client)).toEqual(expect.arrayContaining([tenantA, tenantB, defaultId]));
    expect((await deputy.client.organization.setActive({ organizationId: tenantA })).error).toBeNull();
    const member = await deputy.client.organization.getActiveMember();
    expect(member.data).toMatchObject({ userId: deputy.id, organizationId: tenantA, role: "admin" });
    const full = await deputy.client.organization.getFullOrganization({ query: { organizationId: tenantA } });
    expect(full.error).toBeNull();
    const invitee = freshEmail("invitee-after");
    const invited = await deputy.client.organization.inviteMember({
      email: invitee,
      role: "user",
      organizationId: tenantA,
    });
    expect(invited.error).toBeNull();
    expect(await invitationsFor(invitee)).toBe(1);
  });
});
