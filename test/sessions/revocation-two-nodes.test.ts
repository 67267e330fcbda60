/**
 * Revocation stays instant with sessions read from the shared store (src/auth/session-fast/): on two nodes
 * sharing PostgreSQL and Redis, node B is probed in tight loops — get-session by cookie and by bearer, and the
 * /v1 principal by bearer session token, by JWT with `sid`, by API key — while node A signs out, revokes one
 * session, revokes all, lets a session expire, bans the user, changes the password or revokes the key. Not one
 * request that B began after A's revoking answer may be accepted. Changes of the session's data (name, role,
 * active organization) are seen by both nodes on their next request.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { ADMIN, type TestApp } from "../helpers/test-app.ts";
import { createApiKey, createTenant } from "../helpers/v1.ts";
import { named, type Probe, revokeUnderLoad, SKIP, startTwoNodes, type TwoNodes } from "./two-nodes.ts";

const PASSWORD = "correct-horse-staple-1";

let nodes: TwoNodes;
let a: TestApp;
let b: TestApp;
let adminToken = "";

interface SignedIn {
  readonly token: string;
  readonly cookie: string;
  readonly jwt: string;
  readonly userId: string;
}

async function createUser(email: string): Promise<void> {
  const created = await a.request("/api/auth/admin/create-user", {
    json: { email, password: PASSWORD, name: "Two Nodes", role: "user" },
    token: adminToken,
  });
  if (created.status !== 200) throw new Error(`create-user ${email}: ${await created.text()}`);
}

async function signIn(email: string, rememberMe = true): Promise<SignedIn> {
  const response = await a.request("/api/auth/sign-in/email", {
    json: { email, password: PASSWORD, rememberMe },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { token: string; user: { id: string } };
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  const issued = await a.request("/api/auth/token", { token: body.token });
  const jwt = ((await issued.json()) as { token: string }).token;
  return { token: body.token, cookie, jwt, userId: body.user.id };
}

async function sessionOnB(headers: Record<string, string>): Promise<boolean> {
  const response = await b.request("/api/auth/get-session", { headers });
  return response.status === 200 && (await response.json()) !== null;
}

/** As an application asks, over HTTP: the server's fast path (src/http/better-auth/session-check.ts). */
async function sessionOnBOverHttp(headers: Record<string, string>): Promise<boolean> {
  const response = await fetch(`${b.baseUrl}/api/auth/get-session`, { headers });
  return response.status === 200 && (await response.json()) !== null;
}

async function selfOnB(userId: string, headers: Record<string, string>): Promise<boolean> {
  const response = await b.request(`/v1/users/${userId}`, { headers });
  await response.arrayBuffer();
  return response.status === 200;
}

/** Every way B is asked about one session. */
function probesOf(s: SignedIn): Probe[] {
  return [
    ["get-session cookie", () => sessionOnB({ cookie: s.cookie })],
    ["get-session bearer", () => sessionOnB({ authorization: `Bearer ${s.token}` })],
    ["get-session cookie, HTTP", () => sessionOnBOverHttp({ cookie: s.cookie })],
    ["get-session bearer, HTTP", () => sessionOnBOverHttp({ authorization: `Bearer ${s.token}` })],
    ["v1 bearer", () => selfOnB(s.userId, { authorization: `Bearer ${s.token}` })],
    ["v1 jwt", () => selfOnB(s.userId, { authorization: `Bearer ${s.jwt}` })],
  ];
}

/**
 * The probes of a dontRememberMe session that never refresh it: a session near its expiry is due for its
 * refresh, which any use of an ordinary session performs (better-auth's sliding expiry), so only these let it
 * run out while in use.
 */
function unrefreshedProbesOf(s: SignedIn): Probe[] {
  const dontRemember = s.cookie.split("; ").find((part) => part.includes("dont_remember=")) ?? "";
  return [
    ["get-session cookie", () => sessionOnB({ cookie: s.cookie })],
    ["get-session cookie, HTTP", () => sessionOnBOverHttp({ cookie: s.cookie })],
    [
      "get-session bearer",
      async () => {
        const response = await b.request("/api/auth/get-session?disableRefresh=true", { token: s.token });
        return response.status === 200 && (await response.json()) !== null;
      },
    ],
    ["v1 cookie", () => selfOnB(s.userId, { cookie: s.cookie })],
    ["v1 bearer", () => selfOnB(s.userId, { authorization: `Bearer ${s.token}`, cookie: dontRemember })],
    ["v1 jwt", () => selfOnB(s.userId, { authorization: `Bearer ${s.jwt}` })],
  ];
}

function expectNoStaleAccept(tally: Awaited<ReturnType<typeof revokeUnderLoad>>, probes: number): void {
  expect(tally.acceptedBefore).toBeGreaterThanOrEqual(probes);
  expect(tally.after).toBeGreaterThanOrEqual(40);
  expect(tally.staleAccepts).toEqual({});
}

beforeAll(async () => {
  if (SKIP) return;
  nodes = await startTwoNodes("rv2");
  a = nodes.a;
  b = nodes.b;
  await b.listen();
  adminToken = await a.signIn(ADMIN.email, ADMIN.password);
  for (const who of ["out", "one", "all", "expiry", "ban", "rotate", "data"]) {
    await createUser(`${who}@two-nodes.test`);
  }
}, 60_000);

afterAll(async () => {
  await nodes?.close();
});

describe.skipIf(Boolean(SKIP))(named("revocation on two nodes, under load"), () => {
  it("refuses a signed-out session on B at once", async () => {
    const s = await signIn("out@two-nodes.test");
    const tally = await revokeUnderLoad(probesOf(s), async () => {
      const out = await a.request("/api/auth/sign-out", { method: "POST", token: s.token });
      expect(out.status).toBe(200);
    });
    expectNoStaleAccept(tally, 6);
  });

  it("refuses a session revoked by another of its user's sessions (revoke-session)", async () => {
    const actor = await signIn("one@two-nodes.test");
    const victim = await signIn("one@two-nodes.test");
    const tally = await revokeUnderLoad(probesOf(victim), async () => {
      const revoked = await a.request("/api/auth/revoke-session", {
        json: { token: victim.token },
        token: actor.token,
      });
      expect(revoked.status).toBe(200);
    });
    expectNoStaleAccept(tally, 6);
    expect(await sessionOnB({ authorization: `Bearer ${actor.token}` })).toBe(true);
  });

  it("refuses every session of the user after revoke-sessions", async () => {
    const actor = await signIn("all@two-nodes.test");
    const other = await signIn("all@two-nodes.test");
    const tally = await revokeUnderLoad([...probesOf(other), ...probesOf(actor)], async () => {
      const revoked = await a.request("/api/auth/revoke-sessions", { method: "POST", token: actor.token });
      expect(revoked.status).toBe(200);
    });
    expectNoStaleAccept(tally, 12);
  });

  it("refuses a session from the moment it expires", async () => {
    const s = await signIn("expiry@two-nodes.test", false);
    expect(s.cookie).toContain("dont_remember=");
    const expiresAt = new Date(Date.now() + 1500);
    const { internalAdapter } = await a.deps.auth.$context;
    await internalAdapter.updateSession(s.token, { expiresAt });
    const tally = await revokeUnderLoad(unrefreshedProbesOf(s), async () => {
      await Bun.sleep(Math.max(0, expiresAt.getTime() - Date.now() + 1));
    });
    expectNoStaleAccept(tally, 6);
  });

  it("refuses a banned user's sessions and JWTs at once", async () => {
    const s = await signIn("ban@two-nodes.test");
    const tally = await revokeUnderLoad(probesOf(s), async () => {
      const banned = await a.request("/api/auth/admin/ban-user", {
        json: { userId: s.userId },
        token: adminToken,
      });
      expect(banned.status).toBe(200);
    });
    expectNoStaleAccept(tally, 6);
  });

  it("refuses the other sessions once the password is changed", async () => {
    const actor = await signIn("rotate@two-nodes.test");
    const other = await signIn("rotate@two-nodes.test");
    let fresh = "";
    const tally = await revokeUnderLoad(probesOf(other), async () => {
      const changed = await a.request("/api/auth/change-password", {
        json: { currentPassword: PASSWORD, newPassword: "correct-horse-staple-2", revokeOtherSessions: true },
        token: actor.token,
      });
      expect(changed.status).toBe(200);
      fresh = ((await changed.json()) as { token: string }).token;
    });
    expectNoStaleAccept(tally, 6);
    expect(await sessionOnB({ authorization: `Bearer ${fresh}` })).toBe(true);
  });

  it("refuses a revoked API key at once", async () => {
    const tenant = await createTenant(a, adminToken, "two-nodes");
    const key = await createApiKey(a, { token: adminToken, tenant }, ["admin"]);
    const probe: Probe = [
      "v1 api key",
      async () => {
        const response = await b.request("/v1/users", { headers: { "x-api-key": key.key } });
        await response.arrayBuffer();
        return response.status === 200;
      },
    ];
    const tally = await revokeUnderLoad([probe], async () => {
      const revoked = await a.request(`/v1/api-keys/${key.id}`, {
        method: "DELETE",
        token: adminToken,
        headers: { "x-tenant-id": tenant },
      });
      expect(revoked.status).toBe(204);
    });
    expectNoStaleAccept(tally, 1);
  });
});

describe.skipIf(Boolean(SKIP))(named("session data changes on two nodes"), () => {
  async function sessionAt(node: TestApp, token: string) {
    const response = await node.request("/api/auth/get-session", { token });
    return (await response.json()) as {
      session: { activeOrganizationId: string | null };
      user: { name: string; role: string };
    };
  }

  it("shows a new name, role and active organization on the next request of either node", async () => {
    const s = await signIn("data@two-nodes.test");
    for (const node of [a, b]) expect((await sessionAt(node, s.token)).user.name).toBe("Two Nodes");

    const renamed = await a.request("/api/auth/update-user", { json: { name: "Renamed" }, token: s.token });
    expect(renamed.status).toBe(200);
    for (const node of [a, b]) expect((await sessionAt(node, s.token)).user.name).toBe("Renamed");

    const role = await a.request("/api/auth/admin/set-role", {
      json: { userId: s.userId, role: "admin" },
      token: adminToken,
    });
    expect(role.status).toBe(200);
    for (const node of [a, b]) expect((await sessionAt(node, s.token)).user.role).toBe("admin");

    const tenant = await createTenant(a, s.token, "data-tenant");
    const active = await a.request("/api/auth/organization/set-active", {
      json: { organizationId: tenant },
      token: s.token,
    });
    expect(active.status).toBe(200);
    for (const node of [a, b]) {
      expect((await sessionAt(node, s.token)).session.activeOrganizationId).toBe(tenant);
    }
  });
});
