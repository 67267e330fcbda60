/**
 * What the scenarios need, created over HTTP before any load: Gatehouse's users (for the sign-in flood), one
 * user's session as cookie and as bearer token, a JWT of the platform admin's session (/api/auth/token), an API
 * key of the platform admin (/v1/api-keys), and one user of the plain better-auth server with its cookie.
 */

export const PASSWORD = "bench-password-1";

export interface Session {
  readonly cookie: string;
  readonly token: string;
  readonly userId: string;
}

export interface GatehouseFixture {
  readonly user: Session;
  readonly admin: Session;
  readonly adminJwt: string;
  readonly adminApiKey: string;
  /** One sign-in body per pre-created user. */
  readonly signInBodies: string[];
}

async function post(base: string, path: string, body: unknown, token?: string): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      origin: base,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
}

async function expectOk(response: Response, what: string): Promise<Record<string, unknown>> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what}: ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

export async function signIn(base: string, email: string, password = PASSWORD): Promise<Session> {
  const response = await post(base, "/api/auth/sign-in/email", { email, password });
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const body = await expectOk(response, `sign-in of ${email}`);
  const user = body.user as { id?: string } | undefined;
  if (typeof body.token !== "string" || !user?.id)
    throw new Error(`sign-in of ${email}: no token in the answer`);
  return { cookie, token: body.token, userId: user.id };
}

export async function signUp(base: string, email: string): Promise<void> {
  await expectOk(
    await post(base, "/api/auth/sign-up/email", { email, password: PASSWORD, name: email.split("@")[0] }),
    `sign-up of ${email}`,
  );
}

/** Signs up `count` users, a few at a time (each costs a password hash). */
export async function signUpMany(base: string, count: number, domain: string): Promise<string[]> {
  const emails = Array.from({ length: count }, (_, i) => `bench-${i}@${domain}`);
  let next = 0;
  const worker = async () => {
    while (next < emails.length) {
      const email = emails[next++];
      if (email) await signUp(base, email);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return emails;
}

export async function seedGatehouse(
  base: string,
  admin: { email: string; password: string },
  users: number,
): Promise<GatehouseFixture> {
  const emails = await signUpMany(base, Math.max(1, users), "bench.test");
  const user = await signIn(base, emails[0] ?? "");
  const adminSession = await signIn(base, admin.email, admin.password);
  const jwtBody = await expectOk(
    await fetch(`${base}/api/auth/token`, { headers: { authorization: `Bearer ${adminSession.token}` } }),
    "/api/auth/token",
  );
  const keyBody = await expectOk(
    await post(base, "/v1/api-keys", { name: "bench", roles: ["admin"] }, adminSession.token),
    "POST /v1/api-keys",
  );
  if (typeof jwtBody.token !== "string" || typeof keyBody.key !== "string") {
    throw new Error("no JWT or API key in the answers");
  }
  return {
    user,
    admin: adminSession,
    adminJwt: jwtBody.token,
    adminApiKey: keyBody.key,
    signInBodies: emails.map((email) => JSON.stringify({ email, password: PASSWORD })),
  };
}

export async function seedBaseline(base: string): Promise<Session> {
  await signUp(base, "bench-0@baseline.test");
  return signIn(base, "bench-0@baseline.test");
}
