/**
 * An invitation accepted by a new person in Chromium: the invitation mail's link → /accept-invitation/:id →
 * "create an account" → sign-up → back to the invitation → accept → a member of the tenant. Declining works
 * the same way, and an unknown invitation says it is not available.
 */
import { expect, it } from "bun:test";
import type { Page } from "playwright-core";
import { describeBrowser } from "../helpers/chromium.ts";
import { pageSession, submit } from "../helpers/page-session.ts";
import { linkIn } from "../helpers/smtp-peer.ts";
import { ADMIN } from "../helpers/test-app.ts";

const PASSWORD = "invited-password-55";
const session = pageSession();

/** A tenant and an invitation to it for `email`; returns the mailed link. */
async function invite(email: string, tenant: string): Promise<{ link: string; organizationId: string }> {
  const { t } = session;
  const token = await t.signIn(ADMIN.email, ADMIN.password);
  const created = await t.request("/api/auth/organization/create", {
    json: { name: tenant, slug: tenant.toLowerCase().replace(/\W+/g, "-") },
    token,
  });
  const organization = (await created.json()) as { id: string };
  const invited = await t.request("/api/auth/organization/invite-member", {
    json: { email, role: "user", organizationId: organization.id },
    token,
  });
  expect(invited.status).toBe(200);
  const mail = await t.smtp.waitFor((m) => m.to.includes(email) && m.subject.includes(tenant));
  return { link: linkIn(mail, t.baseUrl), organizationId: organization.id };
}

async function signUpFromInvitation(page: Page, link: string, email: string): Promise<void> {
  await page.goto(link);
  expect(await page.locator("h1").innerText()).toBe("Invitation");
  await session.check(page, "accept-invitation-signed-out");
  await page.getByRole("link", { name: "Create an account" }).click();
  await page.getByLabel("Name", { exact: true }).fill("Ivy Invited");
  await page.getByLabel("E-mail address", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await submit(page.getByRole("button", { name: "Create account" }));
  await page.getByRole("link", { name: "Continue" }).click();
  await page.waitForURL(`**${new URL(link).pathname}`);
}

describeBrowser("/accept-invitation in Chromium", () => {
  it("a new person signs up from the invitation and joins the tenant", async () => {
    const email = `invited-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const { link, organizationId } = await invite(email, "Orbit Labs");
    expect(new URL(link).pathname).toStartWith("/accept-invitation/");
    const page = await session.open();
    await signUpFromInvitation(page, link, email);
    expect(await page.locator("main").innerText()).toContain(
      `${ADMIN.email} invited you to join Orbit Labs as user.`,
    );
    await session.check(page, "accept-invitation");
    await submit(page.getByRole("button", { name: "Accept the invitation" }));
    expect(await page.locator("h1").innerText()).toBe("Welcome to Orbit Labs");
    await session.check(page, "accept-invitation-accepted");

    const member = await session.t.deps.db.kysely
      .selectFrom("member")
      .innerJoin("user", "user.id", "member.userId")
      .select(["member.role"])
      .where("member.organizationId", "=", organizationId)
      .where("user.email", "=", email)
      .executeTakeFirst();
    expect(member?.role).toBe("user");
  });

  it("declining leaves the person outside the tenant", async () => {
    const email = `declines-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const { link, organizationId } = await invite(email, "Nope Inc");
    const page = await session.open();
    await signUpFromInvitation(page, link, email);
    await submit(page.getByRole("button", { name: "Decline" }));
    expect(await page.locator("h1").innerText()).toBe("Invitation declined");
    const members = await session.t.deps.db.kysely
      .selectFrom("member")
      .innerJoin("user", "user.id", "member.userId")
      .select("member.id")
      .where("member.organizationId", "=", organizationId)
      .where("user.email", "=", email)
      .execute();
    expect(members).toEqual([]);
  });

  it("says an unknown invitation is not available", async () => {
    const page = await session.open();
    await page.goto("/sign-in");
    await page.getByLabel("E-mail address or username").fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await submit(page.getByRole("button", { name: "Sign in" }));
    await page.waitForURL("**/account");
    await page.goto(`/accept-invitation/${crypto.randomUUID()}`);
    expect(await page.locator("h1").innerText()).toBe("This invitation is not available");
    await session.check(page, "accept-invitation-unavailable");
  });
});
