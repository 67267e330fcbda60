import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { type AuthJson, call } from "../../../test/helpers/hasura.ts";
import { linkIn } from "../../../test/helpers/smtp-peer.ts";
import { createTestApp, type TestApp } from "../../../test/helpers/test-app.ts";

describe("Hasura signup and login with e-mail verification required", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { REQUIRE_EMAIL_VERIFICATION: "true" } });
  });
  afterAll(() => t.close());

  it("signs up without a token, refuses login with 403 not-verified until the link is followed", async () => {
    const data = { email: "verify-me@example.com", password: "somepass123" };
    const answer = await call<AuthJson>(t, "POST", "/v1/signup", { json: { provider: "email", data } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ auth_token: null, email: data.email, hasura_roles: ["user"] });

    const messagesTo = (to: string) => t.smtp.messages.filter((m) => m.to.includes(to));
    // The refused login sends a fresh link, which makes the sign-up's link invalid (only the newest link works).
    const sentBefore = t.smtp.messages.length;
    const early = await call(t, "POST", "/v1/login", { json: { provider: "email", data } });
    expect(early).toEqual({
      status: 403,
      body: { code: "not-verified", message: expect.any(String) },
    });

    // Both mails (sign-up, refused login) are sent in the background: wait for the two, follow the newest.
    await t.smtp.waitFor((m) => m.to.includes(data.email) && t.smtp.messages.indexOf(m) >= sentBefore);
    await t.smtp.waitFor((m) => m.to.includes(data.email) && messagesTo(data.email).length >= 2);
    const mail = messagesTo(data.email).at(-1) as (typeof t.smtp.messages)[number];
    const link = new URL(linkIn(mail, `${t.config.baseUrl}/api/auth/verify-email`));
    const verified = await t.request(`${link.pathname}${link.search}`, { redirect: "manual" });
    expect(verified.status).toBeLessThan(400);

    const ok = await call<AuthJson>(t, "POST", "/v1/login", { json: { provider: "email", data } });
    expect(ok.status).toBe(200);
    expect(ok.body.hasura_id).toBe(answer.body.hasura_id);
  });

  it("lets a username account (no address to verify) sign up and log in", async () => {
    const data = { username: "noaddress", password: "somepass123" };
    const answer = await call<AuthJson>(t, "POST", "/v1/signup", { json: { provider: "username", data } });
    expect(answer.status).toBe(200);
    expect(typeof answer.body.auth_token).toBe("string");
  });
});

describe("Hasura signup with sign-up disabled", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { SIGN_UP_ENABLED: "false" } });
  });
  afterAll(() => t.close());

  it("answers 400 not-enabled and creates nothing", async () => {
    const data = { username: "latecomer", password: "somepass123" };
    const answer = await call(t, "POST", "/v1/signup", { json: { provider: "username", data } });
    expect(answer).toEqual({ status: 400, body: { code: "not-enabled", message: "signup is disabled" } });
    const login = await call(t, "POST", "/v1/login", { json: { provider: "username", data } });
    expect(login.body.code).toBe("invalid-creds");
  });
});
