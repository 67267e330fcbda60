/**
 * The audit trail of the sign-in and self-service flows run through HTTP: phone OTP, social (a real OIDC
 * provider on loopback), Google One Tap, e-mail change, account deletion and tenant invitations. Each test
 * checks the event an investigator would look for (type, actor, subject, tenant, address, user agent, method)
 * and that the secret the flow handled (code, token, password) is nowhere in the stored rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { createBrowser } from "../../../test/helpers/browser.ts";
import { type OidcPeer, startOidcPeer } from "../../../test/helpers/oidc-peer.ts";
import { codeIn, type SmsPeer } from "../../../test/helpers/sms-peer.ts";
import { linkIn } from "../../../test/helpers/smtp-peer.ts";
import { ADMIN, createTestApp, type TestApp } from "../../../test/helpers/test-app.ts";
import { call, createTenant, PASSWORD, signUp } from "../../../test/helpers/v1.ts";

interface EventJson {
  type: string;
  actor_type: string | null;
  actor_id: string | null;
  subject_type: string | null;
  subject_id: string | null;
  tenant_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: Record<string, unknown> | null;
}

const PROVIDER = "corp";
const GOOGLE_CLIENT_ID = "audit-flows.apps.googleusercontent.com";
/** The client of every in-process request: a documentation address and a recognisable agent. */
const CLIENT = { ip: "203.0.113.7", userAgent: "AuditFlows/1.0 (test)" } as const;

let t: TestApp;
let sms: SmsPeer;
let peer: OidcPeer;
let jwks: ReturnType<typeof Bun.serve>;
let googleKey: CryptoKey;
let adminToken: string;

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  googleKey = privateKey;
  const publicJwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  jwks = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => Response.json({ keys: [publicJwk] }) });
  t = await createTestApp({
    sms: true,
    env: {
      GOOGLE_CLIENT_ID,
      GOOGLE_CLIENT_SECRET: "google-secret",
      GOOGLE_JWKS_URL: `http://127.0.0.1:${jwks.port}/oauth2/v3/certs`,
    },
    envFor: async (baseUrl) => {
      peer = await startOidcPeer({ redirectUris: [`${baseUrl}/api/auth/callback/${PROVIDER}`] });
      return peer.env(PROVIDER);
    },
  });
  if (!t.sms) throw new Error("the SMS peer did not start");
  sms = t.sms;
  await t.listen();
  adminToken = await t.signIn(ADMIN.email, ADMIN.password);
});
afterAll(async () => {
  await t.close();
  await peer.close();
  await jwks.stop(true);
});

/** An in-process request from CLIENT. */
function send(path: string, json: unknown, token?: string): Promise<Response> {
  return t.request(path, {
    json,
    ip: CLIENT.ip,
    headers: { "user-agent": CLIENT.userAgent },
    ...(token ? { token } : {}),
  });
}

async function platformEvents(): Promise<EventJson[]> {
  const answer = await call<{ data: EventJson[] }>(t, "GET", "/v1/audit-events?scope=all&limit=200", {
    token: adminToken,
  });
  expect(answer.status).toBe(200);
  return answer.body.data;
}

async function eventsOf(subject: string, type: string): Promise<EventJson[]> {
  return (await platformEvents()).filter((e) => e.subject_id === subject && e.type === type);
}

/** Every stored audit row as text (without the chain's hashes, digits by chance): a secret must not appear in it. */
async function storedRows(): Promise<string> {
  const rows = await t.deps.db.kysely.selectFrom("audit_event").selectAll().execute();
  return JSON.stringify(rows.map(({ hash: _hash, prevHash: _prev, ...row }) => row));
}

const fromClient = { ip: CLIENT.ip, user_agent: CLIENT.userAgent } as const;
const byUser = (id: string) => ({ actor_type: "user", actor_id: id, subject_type: "user", subject_id: id });

let phones = 0;
const newPhone = () => `+1415556${String(1000 + ++phones).slice(-4)}`;

async function textedCode(phone: string, after: number): Promise<string> {
  return codeIn(await sms.waitFor((m) => m.to === phone && sms.messages.indexOf(m) >= after));
}

describe("phone OTP sign-in", () => {
  let user: { id: string; token: string };
  let phone: string;
  beforeAll(async () => {
    user = await signUp(t, "Phone");
    phone = newPhone();
    const mark = sms.messages.length;
    expect((await send("/api/auth/phone-number/send-otp", { phoneNumber: phone }, user.token)).status).toBe(
      200,
    );
    const code = await textedCode(phone, mark);
    const verified = await send(
      "/api/auth/phone-number/verify",
      { phoneNumber: phone, code, updatePhoneNumber: true },
      user.token,
    );
    expect(verified.status).toBe(200);
  });

  it("records a signed-in user proving a new number as phone_number.changed, not as a sign-in", async () => {
    expect(await eventsOf(user.id, "phone_number.changed")).toEqual([
      expect.objectContaining({ ...byUser(user.id), ...fromClient, details: { phoneNumber: phone } }),
    ]);
    expect(await eventsOf(user.id, "sign_in.succeeded")).toEqual([]);
  });

  it("records a sign-in with the texted code as sign_in.succeeded, method phone_otp, without the code", async () => {
    const mark = sms.messages.length;
    expect((await send("/api/auth/phone-number/send-otp", { phoneNumber: phone })).status).toBe(200);
    const code = await textedCode(phone, mark);
    const answer = await send("/api/auth/phone-number/verify", { phoneNumber: phone, code });
    expect(answer.status).toBe(200);
    const { token } = (await answer.json()) as { token: string };
    const signIns = await eventsOf(user.id, "sign_in.succeeded");
    expect(signIns).toHaveLength(1);
    expect(signIns[0]).toMatchObject({ ...byUser(user.id), ...fromClient, details: { method: "phone_otp" } });
    const rows = await storedRows();
    expect(rows).not.toContain(code);
    expect(rows).not.toContain(token);
  });

  it("records a wrong code as sign_in.failed against the number's account, without the code", async () => {
    const mark = sms.messages.length;
    expect((await send("/api/auth/phone-number/send-otp", { phoneNumber: phone })).status).toBe(200);
    const code = await textedCode(phone, mark);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    expect((await send("/api/auth/phone-number/verify", { phoneNumber: phone, code: wrong })).status).toBe(
      400,
    );
    const [event] = await eventsOf(user.id, "sign_in.failed");
    expect(event).toMatchObject({ subject_type: "user", subject_id: user.id, ...fromClient });
    expect(event?.details).toMatchObject({ method: "phone_otp", reason: expect.any(String) });
    const rows = await storedRows();
    expect(rows).not.toContain(code);
    expect(rows).not.toContain(wrong);
  });
});

describe("social sign-in through an OIDC provider", () => {
  it("records the callback as sign_in.succeeded, method social, provider corp, from the browser", async () => {
    const browser = createBrowser();
    peer.loginAs("alice-sub");
    const started = await browser.fetch(`${t.baseUrl}/api/auth/sign-in/social`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: t.baseUrl },
      body: JSON.stringify({ provider: PROVIDER, callbackURL: `${t.baseUrl}/welcome` }),
    });
    expect(started.status).toBe(200);
    const { url } = (await started.json()) as { url: string };
    // Walked up to Gatehouse's callback, which the test then requests itself with its own user agent.
    const { stoppedAt: callback } = await browser.follow(url, await browser.fetch(url), (hop) =>
      hop.pathname.startsWith("/api/auth/callback/"),
    );
    const landed = await browser.fetch(callback, { headers: { "user-agent": CLIENT.userAgent } });
    expect(landed.status).toBe(302);
    const user = await t.deps.db.kysely
      .selectFrom("user")
      .select("id")
      .where("email", "=", "alice@corp.test")
      .executeTakeFirstOrThrow();
    const [event] = await eventsOf(String(user.id), "sign_in.succeeded");
    expect(event).toMatchObject({
      ...byUser(String(user.id)),
      ip: "127.0.0.1",
      user_agent: CLIENT.userAgent,
      details: { method: "social", provider: PROVIDER },
    });
    const rows = await storedRows();
    const code = callback.searchParams.get("code") ?? "";
    expect(code).not.toBe("");
    expect(rows).not.toContain(code);
    expect(rows).not.toContain(callback.searchParams.get("state") ?? "");
  });
});

describe("Google One Tap", () => {
  const idToken = (email: string, claims: Record<string, unknown> = {}) =>
    new SignJWT({
      iss: "https://accounts.google.com",
      aud: GOOGLE_CLIENT_ID,
      sub: `google-${email}`,
      email,
      email_verified: true,
      name: "Tap",
      ...claims,
    })
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(googleKey);

  it("records a valid ID token as sign_in.succeeded, method one_tap, without the token", async () => {
    const token = await idToken("tap-audit@example.com");
    const answer = await send("/api/auth/one-tap/callback", { idToken: token });
    expect(answer.status).toBe(200);
    const { user } = (await answer.json()) as { user: { id: string } };
    const [event] = await eventsOf(user.id, "sign_in.succeeded");
    expect(event).toMatchObject({ ...byUser(user.id), ...fromClient, details: { method: "one_tap" } });
    expect(await storedRows()).not.toContain(token);
  });

  it("records a token for another audience as sign_in.failed, method one_tap, without the token", async () => {
    const token = await idToken("tap-refused@example.com", { aud: "someone-else" });
    const answer = await send("/api/auth/one-tap/callback", { idToken: token });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    const failures = (await platformEvents()).filter(
      (e) => e.type === "sign_in.failed" && e.details?.method === "one_tap",
    );
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject(fromClient);
    expect(await storedRows()).not.toContain(token);
  });
});

describe("self-service requests of a signed-in user", () => {
  it("records an e-mail change request with the new address, never the mailed token", async () => {
    const user = await signUp(t, "Mover");
    const newEmail = `moved-${Date.now().toString(36)}@example.com`;
    const mark = t.smtp.messages.length;
    expect((await send("/api/auth/change-email", { newEmail }, user.token)).status).toBe(200);
    const [event] = await eventsOf(user.id, "email.change_requested");
    expect(event).toMatchObject({ ...byUser(user.id), ...fromClient, details: { newEmail } });
    const mail = await t.smtp.waitFor(
      (m) => t.smtp.messages.indexOf(m) >= mark && m.to.includes(user.email) && m.text.includes("token="),
    );
    const token = new URL(linkIn(mail, t.baseUrl)).searchParams.get("token") ?? "";
    expect(token).not.toBe("");
    const rows = await storedRows();
    expect(rows).not.toContain(token);
    expect(rows).not.toContain(user.token);
  });

  it("records an account deletion request, never the mailed token or the password", async () => {
    const user = await signUp(t, "Leaver");
    const mark = t.smtp.messages.length;
    expect((await send("/api/auth/delete-user", { password: PASSWORD }, user.token)).status).toBe(200);
    const [event] = await eventsOf(user.id, "account.deletion_requested");
    expect(event).toMatchObject({ ...byUser(user.id), ...fromClient });
    const mail = await t.smtp.waitFor(
      (m) => t.smtp.messages.indexOf(m) >= mark && m.to.includes(user.email) && m.text.includes("token="),
    );
    const token = new URL(linkIn(mail, t.baseUrl)).searchParams.get("token") ?? "";
    expect(token).not.toBe("");
    const rows = await storedRows();
    expect(rows).not.toContain(token);
    expect(rows).not.toContain(PASSWORD);
  });
});

describe("tenant invitations", () => {
  it("records the invitation, its acceptance and leaving, each in the tenant with its actor", async () => {
    const owner = await signUp(t, "Inviter");
    const tenant = await createTenant(t, owner.token);
    const invitee = await signUp(t, "Invitee");
    const invited = await send(
      "/api/auth/organization/invite-member",
      { email: invitee.email, role: "user", organizationId: tenant },
      owner.token,
    );
    expect(invited.status).toBe(200);
    const invitation = ((await invited.json()) as { id: string }).id;
    const accepted = await send(
      "/api/auth/organization/accept-invitation",
      { invitationId: invitation },
      invitee.token,
    );
    expect(accepted.status).toBe(200);
    expect(
      (await send("/api/auth/organization/leave", { organizationId: tenant }, invitee.token)).status,
    ).toBe(200);

    const inTenant = (await platformEvents()).filter((e) => e.tenant_id === tenant);
    expect(inTenant.find((e) => e.type === "member.invited")).toMatchObject({
      actor_type: "user",
      actor_id: owner.id,
      subject_type: "invitation",
      subject_id: invitation,
      ...fromClient,
      details: { email: invitee.email, role: ["user"] },
    });
    const member = { subject_type: "member", subject_id: invitee.id, ...fromClient };
    expect(inTenant.find((e) => e.type === "member.joined")).toMatchObject({
      actor_type: "user",
      actor_id: invitee.id,
      ...member,
    });
    expect(inTenant.find((e) => e.type === "member.left")).toMatchObject({
      actor_type: "user",
      actor_id: invitee.id,
      ...member,
    });
  });
});
