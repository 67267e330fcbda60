/**
 * POST /api/auth/revoke-session as a bearer client uses it: the token it holds is the signed `token.signature`
 * of the `set-auth-token` header (src/auth/plugins/revoke-session.ts). Driven through the official client over
 * a running server; the effect is checked by using the session afterwards and in the session table.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createAuthClient } from "better-auth/client";
import { createTestApp, type TestApp } from "../../test/helpers/test-app.ts";

const PASSWORD = "revoke-password-1";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await t.listen();
});
afterAll(() => t.close());

function clientFor(token?: string, headers: Record<string, string> = {}) {
  return createAuthClient({
    baseURL: t.baseUrl,
    fetchOptions: { headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } },
  });
}

let counter = 0;
const freshEmail = () => `revoke-${++counter}-${Date.now().toString(36)}@sessions.test`;

interface Held {
  /** The raw session token of the response body. */
  readonly raw: string;
  /** What a bearer client keeps: the signed form from the set-auth-token header. */
  readonly signed: string;
}

/** Signs in (or up) like a bearer client: keeps the set-auth-token header next to the body's token. */
async function bearerSession(email: string, signUp = false): Promise<Held> {
  let signed = "";
  const onSuccess = ({ response }: { response: Response }) => {
    signed = response.headers.get("set-auth-token") ?? "";
  };
  const client = clientFor();
  const { data, error } = signUp
    ? await client.signUp.email({ email, password: PASSWORD, name: "Holder" }, { onSuccess })
    : await client.signIn.email({ email, password: PASSWORD }, { onSuccess });
  if (error || !data?.token) throw new Error(`sign-in of ${email}: ${JSON.stringify(error)}`);
  return { raw: data.token, signed };
}

async function signedInEmail(token: string): Promise<string | null> {
  const { data } = await clientFor(token).getSession();
  return data?.user.email ?? null;
}

async function sessionTokensOf(email: string): Promise<string[]> {
  const rows = await t.deps.db.kysely
    .selectFrom("session")
    .innerJoin("user", "user.id", "session.userId")
    .select("session.token")
    .where("user.email", "=", email)
    .execute();
  return rows.map((row) => String(row.token)).sort();
}

describe("POST /api/auth/revoke-session", () => {
  it("revokes a session named by the signed token of set-auth-token", async () => {
    const email = freshEmail();
    const first = await bearerSession(email, true);
    const second = await bearerSession(email);
    expect(second.signed.startsWith(`${second.raw}.`)).toBe(true);

    const { data, error } = await clientFor(first.signed).revokeSession({ token: second.signed });
    expect(error).toBeNull();
    expect(data).toEqual({ status: true });
    expect(await signedInEmail(second.signed)).toBeNull();
    expect(await signedInEmail(first.signed)).toBe(email);
    expect(await sessionTokensOf(email)).toEqual([first.raw]);
  });

  it("revokes the caller's own current session by its signed token", async () => {
    const email = freshEmail();
    const held = await bearerSession(email, true);
    const { data, error } = await clientFor(held.signed).revokeSession({ token: held.signed });
    expect(error).toBeNull();
    expect(data).toEqual({ status: true });
    expect(await signedInEmail(held.signed)).toBeNull();
    expect(await sessionTokensOf(email)).toEqual([]);
  });

  it("revokes by the signed token as the session cookie carries it (URL-encoded)", async () => {
    const email = freshEmail();
    const first = await bearerSession(email, true);
    const second = await bearerSession(email);
    const { error } = await clientFor(first.signed).revokeSession({
      token: encodeURIComponent(second.signed),
    });
    expect(error).toBeNull();
    expect(await sessionTokensOf(email)).toEqual([first.raw]);
  });

  it("still revokes by the raw token of the sign-in body", async () => {
    const email = freshEmail();
    const first = await bearerSession(email, true);
    const second = await bearerSession(email);
    const { error } = await clientFor(first.raw).revokeSession({ token: second.raw });
    expect(error).toBeNull();
    expect(await sessionTokensOf(email)).toEqual([first.raw]);
  });

  it("returns 404 SESSION_NOT_FOUND for an unknown token or a forged signature and ends nothing", async () => {
    const email = freshEmail();
    const held = await bearerSession(email, true);
    const forged = `${held.raw}.${Buffer.from("not the signature").toString("base64")}`;
    for (const token of ["no-such-session", `no-such-session.${held.signed.split(".")[1]}`, forged, ""]) {
      const { data, error } = await clientFor(held.signed).revokeSession({ token });
      expect(data).toBeNull();
      expect({ token, status: error?.status, code: error?.code }).toEqual({
        token,
        status: 404,
        code: "SESSION_NOT_FOUND",
      });
      expect(typeof error?.message).toBe("string");
    }
    expect(await sessionTokensOf(email)).toEqual([held.raw]);
    expect(await signedInEmail(held.signed)).toBe(email);
  });

  it("returns 404 SESSION_NOT_FOUND for another user's session, in either form, and that session lives on", async () => {
    const caller = await bearerSession(freshEmail(), true);
    const victimEmail = freshEmail();
    const victim = await bearerSession(victimEmail, true);
    for (const token of [victim.raw, victim.signed]) {
      const { error } = await clientFor(caller.signed).revokeSession({ token });
      expect({ status: error?.status, code: error?.code }).toEqual({
        status: 404,
        code: "SESSION_NOT_FOUND",
      });
    }
    expect(await signedInEmail(victim.signed)).toBe(victimEmail);
    expect(await sessionTokensOf(victimEmail)).toEqual([victim.raw]);
  });

  it("words SESSION_NOT_FOUND in the caller's language", async () => {
    const held = await bearerSession(freshEmail(), true);
    const { error } = await clientFor(held.signed, { "accept-language": "de" }).revokeSession({
      token: "no-such-session",
    });
    expect(error).toMatchObject({
      status: 404,
      code: "SESSION_NOT_FOUND",
      message: "Keine Ihrer Sitzungen hat dieses Token",
    });
  });

  it("returns 401 without a session, whatever the token", async () => {
    const held = await bearerSession(freshEmail(), true);
    const { error } = await clientFor().revokeSession({ token: held.signed });
    expect(error?.status).toBe(401);
    expect(await signedInEmail(held.signed)).not.toBeNull();
  });
});
