/** Steps the admin console's browser tests share: signing in through /sign-in and landing on a console page. */
import type { Page } from "playwright-core";

/** A browser flow of several pages, axe runs and screenshots takes seconds, not bun's default 5. */
export const FLOW_TIMEOUT = 60_000;

export async function signInTo(
  page: Page,
  email: string,
  password: string,
  target = "/admin",
): Promise<void> {
  await page.goto(`/sign-in?redirect_to=${encodeURIComponent(target)}`);
  await page.getByLabel("E-mail address or username").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`**${target}`);
}
