import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createAuthClient } from "better-auth/client";
import { adminClient } from "better-auth/client/plugins";
import { linkIn } from "../../test/helpers/smtp-peer.ts";
import { ADMIN, createTestApp, type TestApp } from "../../test/helpers/test-app.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await t.listen();
});
afterAll(() => t.close());

describe("smoke", () => {
  it("signs up, verifies by mail, signs in", async () => {
    const client = createAuthClient({ baseURL: t.baseUrl, plugins: [adminClient()] });
    const up = await client.signUp.email({ email: "a@example.com", password: "password-123", name: "A" });
    expect(up.error).toBeNull();
    const mail = await t.smtp.waitFor((m) => m.to.includes("a@example.com"));
    const link = linkIn(mail, t.baseUrl);
    const res = await fetch(link, { redirect: "manual" });
    expect([200, 302]).toContain(res.status);
    let token = "";
    const inRes = await client.signIn.email(
      { email: "a@example.com", password: "password-123" },
      {
        onSuccess: (ctx) => {
          token = ctx.response.headers.get("set-auth-token") ?? "";
        },
      },
    );
    expect(inRes.error).toBeNull();
    const session = await client.getSession({
      fetchOptions: { headers: { authorization: `Bearer ${token}` } },
    });
    expect(session.data?.user.email).toBe("a@example.com");
    const adminToken = await t.signIn(ADMIN.email, ADMIN.password);
    const list = await client.admin.listUsers({
      query: {},
      fetchOptions: { headers: { authorization: `Bearer ${adminToken}` } },
    });
    expect(list.data?.total).toBe(2);
  });
});
