/**
 * Every account better-auth creates joins `default` (issue #9), also outside the e-mail sign-up: a first sign-in
 * through an OIDC provider (a real provider on loopback), and the Hasura and GeoLens dialects, whose roles are
 * one catalogue of global roles.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createBrowser } from "./helpers/browser.ts";
import { type OidcPeer, startOidcPeer } from "./helpers/oidc-peer.ts";
import { ADMIN, createTestApp, type TestApp } from "./helpers/test-app.ts";
import { defaultTenantId, memberRole } from "./helpers/v1.ts";

const PROVIDER = "corp";

let t: TestApp;
let peer: OidcPeer;
let admin = "";
beforeAll(async () => {
  t = await createTestApp({
    envFor: async (baseUrl) => {
      peer = await startOidcPeer({ redirectUris: [`${baseUrl}/api/auth/callback/${PROVIDER}`] });
      return peer.env(PROVIDER);
    },
  });
  await t.listen();
  admin = await t.signIn(ADMIN.email, ADMIN.password);
});
afterAll(async () => {
  await t?.close();
  await peer?.close();
});

async function defaultRoleOf(userId: string): Promise<string | null> {
  return memberRole(t, await defaultTenantId(t), userId);
}

describe("default membership of every account", () => {
  it("an account created by a first OIDC sign-in is a member of default, listed by /v1/users", async () => {
    const browser = createBrowser();
    peer.loginAs("bob-sub");
    const started = await browser.fetch(`${t.baseUrl}/api/auth/sign-in/social`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: t.baseUrl },
      body: JSON.stringify({ provider: PROVIDER, callbackURL: `${t.baseUrl}/welcome` }),
    });
    expect(started.status).toBe(200);
    const { url } = (await started.json()) as { url: string };
    const first = await browser.fetch(url);
    await browser.follow(
      url,
      first,
      (at) => at.origin === t.baseUrl && !at.pathname.startsWith("/api/auth/callback/"),
    );
    const user = await t.deps.db.kysely
      .selectFrom("user")
      .select("id")
      .where("email", "=", "bob@corp.test")
      .executeTakeFirstOrThrow();
    expect(await defaultRoleOf(String(user.id))).toBe("user");
    const listed = await t.request(`/v1/users/${user.id}`, { token: admin });
    expect(listed.status).toBe(200);
  });

  it("an account from Hasura's signup is a member of default", async () => {
    const answer = await t.request("/v1/signup", {
      json: { provider: "username", data: { username: "hasura_joiner", password: "somepass124" } },
    });
    expect(answer.status).toBe(200);
    const user = await t.deps.db.kysely
      .selectFrom("user")
      .select("id")
      .where("username", "=", "hasura_joiner")
      .executeTakeFirstOrThrow();
    expect(await defaultRoleOf(String(user.id))).toBe("user");
  });

  it("a GeoLens editor is an editor for Hasura too: one catalogue of global roles", async () => {
    const created = await t.request("/api/admin/users/", {
      token: admin,
      json: { username: "geo_editor", password: "somepass124", role: "editor" },
    });
    expect(created.status).toBe(201);
    const row = await t.deps.db.kysely
      .selectFrom("user")
      .select(["id", "numericId"])
      .where("username", "=", "geo_editor")
      .executeTakeFirstOrThrow();
    const hasura = await t.request(`/v1/admin/user/${Number(row.numericId)}`, { token: admin });
    expect(((await hasura.json()) as { hasura_roles: string[] }).hasura_roles).toEqual(["editor"]);
    const roles = await t.request("/v1/admin/roles", { token: admin });
    expect(((await roles.json()) as { roles: string[] }).roles).toEqual(
      expect.arrayContaining(["anonymous", "user", "admin", "editor", "viewer"]),
    );
    // Granted through Hasura without creating it first: the role exists in the one catalogue.
    const granted = await t.request("/v1/admin/add-role", {
      token: admin,
      json: { hasura_id: Number(row.numericId), role: "viewer" },
    });
    expect(granted.status).toBe(200);
    const geolens = await t.request(`/api/admin/users/${row.id}`, { token: admin });
    expect(((await geolens.json()) as { roles: string[] }).roles).toEqual(["editor", "viewer"]);
    expect(await defaultRoleOf(String(row.id))).toBe("user");
  });
});
