/**
 * /account over plain HTTP (no browser): the way in without a session, the CSRF token on every form (a post
 * without it changes nothing), a link to a provider that must carry the token, the e-mail change through both
 * mailed links, the flash notices, and a mismatched new password shown beside its field.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { type PageClient, pageClient } from "../helpers/page-forms.ts";
import { linkIn } from "../helpers/smtp-peer.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";
import { apiUserOfToken, newUser, type TestUser, userRow } from "./account-steps.ts";

let t: TestApp;
beforeAll(async () => {
  // A configured social provider, so that the linked-accounts section offers a link (never followed here).
  t = await createTestApp({ env: { GITHUB_CLIENT_ID: "gh-client", GITHUB_CLIENT_SECRET: "gh-secret" } });
});
afterAll(() => t.close());

async function signedIn(user: TestUser): Promise<PageClient> {
  const browser = pageClient(t);
  await browser.get("/sign-in");
  const response = await browser.post("/sign-in", { identifier: user.email, password: user.password });
  expect(response.status).toBe(303);
  await browser.get("/account");
  return browser;
}

const POSTS: readonly [string, Record<string, string>][] = [
  ["/account/profile", { name: "Changed Name", locale: "fr" }],
  ["/account/email", { newEmail: "elsewhere@example.com" }],
  ["/account/password", { currentPassword: "x", newPassword: "y-long-enough-1", confirm: "y-long-enough-1" }],
  ["/account/sessions/revoke-others", {}],
  ["/account/two-factor/enable", { password: "x" }],
  ["/account/linked/unlink", { account: "x" }],
  ["/account/delete", { password: "x", confirm: "yes" }],
];

describe("without a session", () => {
  it("sends GET /account and every form post to /sign-in and back", async () => {
    const browser = pageClient(t);
    const page = await browser.get("/account");
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/sign-in?redirect_to=%2Faccount");
    for (const [path, fields] of POSTS) {
      const response = await browser.post(path, fields);
      expect({ path, status: response.status, location: response.headers.get("location") }).toEqual({
        path,
        status: 303,
        location: "/sign-in?redirect_to=%2Faccount",
      });
    }
  });
});

describe("CSRF", () => {
  it("refuses every form posted without the page's token (403, the form again) and changes nothing", async () => {
    const user = await newUser(t, "csrf");
    const apiToken = await t.signIn(user.email, user.password);
    const browser = await signedIn(user);
    for (const [path, fields] of POSTS) {
      for (const csrf of ["", "A".repeat(43)]) {
        const response = await browser.post(path, { ...fields, csrf });
        expect({ path, csrf, status: response.status }).toEqual({ path, csrf, status: 403 });
        expect(await response.text()).toContain("The form had expired. Please try again.");
      }
    }
    expect(await userRow(t, user.id)).toMatchObject({ name: user.name, email: user.email, locale: null });
    expect(await apiUserOfToken(t, apiToken)).toBe(user.id);
    expect(t.smtp.messages.some((m) => m.to.includes("elsewhere@example.com"))).toBe(false);
  });

  it("starts linking a provider only from a link that carries the token", async () => {
    const browser = await signedIn(await newUser(t, "link"));
    const page = await (await browser.get("/account")).text();
    const href = /href="(\/account\/linked\/link\/github\?csrf=[^"]+)"/
      .exec(page)?.[1]
      ?.replaceAll("&amp;", "&");
    expect(href).toBeDefined();
    const started = await browser.get(href ?? "");
    expect(started.status).toBe(303);
    expect(started.headers.get("location")).toStartWith("https://github.com/login/oauth/authorize?");

    for (const query of ["", "?csrf=", `?csrf=${"A".repeat(43)}`]) {
      const refused = await browser.get(`/account/linked/link/github${query}`);
      expect({ query, status: refused.status }).toEqual({ query, status: 403 });
      expect(refused.headers.get("location")).toBeNull();
    }
  });
});

describe("e-mail change", () => {
  it("sends the confirmation to the old address, then the verification to the new one; both links land on a page", async () => {
    const user = await newUser(t, "change");
    const verification = await t.smtp.waitFor(
      (m) => m.to.includes(user.email) && m.text.includes("verify-email"),
    );
    const verify = new URL(linkIn(verification, t.baseUrl));
    expect((await t.request(verify.pathname + verify.search)).status).toBe(302);
    expect((await userRow(t, user.id))?.emailVerified).toBeTruthy();

    const browser = await signedIn(user);
    const newEmail = `new-${user.email}`;
    const before = t.smtp.messages.length;
    const posted = await browser.post("/account/email", { newEmail });
    expect(posted.status).toBe(303);
    expect(posted.headers.get("location")).toBe("/account?done=email-sent#email");
    expect(await (await browser.get("/account?done=email-sent")).text()).toContain(
      "We sent a link to confirm the change.",
    );

    const fresh = (m: { to: string[] }, to: string) =>
      t.smtp.messages.indexOf(m as never) >= before && m.to.includes(to);
    const confirmation = await t.smtp.waitFor((m) => fresh(m, user.email));
    const first = new URL(linkIn(confirmation, t.baseUrl));
    const confirmed = await browser.get(first.pathname + first.search);
    expect(confirmed.status).toBe(302);
    expect(confirmed.headers.get("location")).toBe("/account/email-changed");
    const landed = await browser.get("/account/email-changed");
    expect(landed.status).toBe(200);
    expect(await landed.text()).toContain("we have now sent one to the new address");
    expect((await userRow(t, user.id))?.email).toBe(user.email);

    const toNew = await t.smtp.waitFor((m) => fresh(m, newEmail));
    const second = new URL(linkIn(toNew, t.baseUrl));
    expect((await browser.get(second.pathname + second.search)).status).toBe(302);
    expect((await userRow(t, user.id))?.email).toBe(newEmail);
    expect(await (await browser.get("/account/email-changed")).text()).toContain(
      `The e-mail address of your account is ${newEmail}.`,
    );
  });

  it("shows a link that did not work as such (400)", async () => {
    const landed = await t.request(
      `/api/auth/verify-email?token=not-a-token&callbackURL=${encodeURIComponent("/account/email-changed")}`,
    );
    expect(landed.status).toBe(302);
    const location = landed.headers.get("location") ?? "";
    expect(location).toStartWith("/account/email-changed?error=");
    const page = await t.request(location);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("This link does not work");
  });

  it("shows a refused address beside its field", async () => {
    const user = await newUser(t, "refused");
    const browser = await signedIn(user);
    const invalid = await browser.post("/account/email", { newEmail: "not-an-address" });
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toMatch(/id="email-newEmail-error">[^<]+</);
    const same = await browser.post("/account/email", { newEmail: user.email });
    expect(same.status).toBe(400);
    expect(await same.text()).toContain('id="email-newEmail-error">This is already your address.<');
  });
});

describe("the page", () => {
  it("shows only its own notices: an unknown `done` shows nothing", async () => {
    const browser = await signedIn(await newUser(t, "notice"));
    const known = await (await browser.get("/account?done=profile")).text();
    expect(known).toContain('role="status">Your profile has been saved.<');
    const unknown = await (await browser.get("/account?done=%3Cscript%3E")).text();
    expect(unknown).not.toContain('role="status"');
    expect(unknown).not.toContain("<script>");
  });

  it("clears the avatar when its field is left empty, and keeps the saved language when none is posted", async () => {
    const user = await newUser(t, "avatar");
    const browser = await signedIn(user);
    const saved = await browser.post("/account/profile", {
      name: "Robin Pictured",
      image: "https://images.example.com/r.png",
      locale: "ja",
    });
    expect(saved.status).toBe(303);
    expect(await userRow(t, user.id)).toMatchObject({
      image: "https://images.example.com/r.png",
      locale: "ja",
    });
    await browser.get("/account");
    const cleared = await browser.post("/account/profile", { name: "Robin Plain", image: "" });
    expect(cleared.status).toBe(303);
    expect(await userRow(t, user.id)).toMatchObject({ name: "Robin Plain", image: null, locale: "ja" });
  });

  it("shows two different new passwords beside the repeat field and keeps the password", async () => {
    const user = await newUser(t, "mismatch");
    const browser = await signedIn(user);
    const response = await browser.post("/account/password", {
      currentPassword: user.password,
      newPassword: "meadow-lantern-5521",
      confirm: "meadow-lantern-5522",
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('id="password-confirm-error">The two passwords are not the same.<');
    expect(html).not.toContain("meadow-lantern");
    expect(
      (await t.request("/api/auth/sign-in/email", { json: { email: user.email, password: user.password } }))
        .status,
    ).toBe(200);
  });
});
