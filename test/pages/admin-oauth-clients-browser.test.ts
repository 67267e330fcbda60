/**
 * A tenant's OAuth clients in the admin console, in real Chromium: a platform admin registers a first-party
 * client (its secret shown once), opens it and rotates the secret; the list and the client's page pass axe and
 * are photographed. The rules behind each form: test/pages/admin-oauth-clients.test.ts.
 */
import { expect, it } from "bun:test";
import { describeBrowser } from "../helpers/chromium.ts";
import { pageSession, submit } from "../helpers/page-session.ts";
import { ADMIN } from "../helpers/test-app.ts";
import { defaultTenantId } from "../helpers/v1.ts";
import { signInOnPage } from "./account-steps.ts";

const session = pageSession();

describeBrowser("/admin OAuth clients in Chromium", () => {
  it("registers a client, shows its secret once, rotates it, and passes axe", async () => {
    const tenant = await defaultTenantId(session.t);
    const page = await session.open();
    await signInOnPage(page, ADMIN.email, ADMIN.password);
    await page.goto(`/admin/tenants/${tenant}/oauth-clients`);
    expect(await page.locator("main").innerText()).toContain("This tenant has no OAuth client.");
    await session.check(page, "admin-oauth-clients-empty");

    await page.getByLabel("Name").fill("Intranet");
    await page.getByLabel("Redirect URIs", { exact: true }).fill("https://intranet.example/cb");
    await page.getByLabel("First-party: skip the consent page").check();
    await submit(page.getByRole("button", { name: "Register a client" }));
    const secret = await page.getByTestId("new-secret").innerText();
    expect(secret.length).toBeGreaterThan(20);
    expect(await page.locator("table").innerText()).toContain("Intranet");
    await session.check(page, "admin-oauth-clients-created");

    await page.getByRole("link", { name: "Intranet" }).click();
    await page.getByRole("heading", { name: "OAuth client Intranet" }).waitFor();
    expect(await page.getByLabel("Redirect URIs", { exact: true }).inputValue()).toBe(
      "https://intranet.example/cb",
    );
    expect(await page.getByLabel("First-party: skip the consent page").isChecked()).toBe(true);
    await submit(page.getByRole("button", { name: "Rotate the secret" }).first());
    const rotated = await page.getByTestId("new-secret").innerText();
    expect(rotated).not.toBe(secret);
    await session.check(page, "admin-oauth-client");
  });
});
