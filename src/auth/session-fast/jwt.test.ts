import { afterAll, beforeAll, describe, expect, it, setSystemTime } from "bun:test";
import { ADMIN, createTestApp, type TestApp } from "../../../test/helpers/test-app.ts";
import { createJwtVerifier } from "./jwt.ts";

let t: TestApp;
let session = "";

async function issueJwt(): Promise<string> {
  const response = await t.request("/api/auth/token", { token: session });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

const kidOf = (jwt: string) =>
  (JSON.parse(Buffer.from(jwt.split(".")[0] ?? "", "base64url").toString()) as { kid: string }).kid;

beforeAll(async () => {
  t = await createTestApp();
  session = await t.signIn(ADMIN.email, ADMIN.password);
});

afterAll(async () => {
  await t?.close();
});

describe("createJwtVerifier", () => {
  it("verifies Gatehouse's JWTs as better-auth does, and refuses a tampered one", async () => {
    const verify = createJwtVerifier(t.deps.auth);
    const jwt = await issueJwt();
    const ours = await verify(jwt);
    const theirs = await t.deps.auth.api.verifyJWT({ body: { token: jwt } });
    expect(ours).toEqual(theirs.payload as NonNullable<typeof ours>);
    const [header, payload, signature] = jwt.split(".");
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload ?? "", "base64url").toString()), role: "owner" }),
    ).toString("base64url");
    expect(await verify(`${header}.${forged}.${signature}`)).toBeNull();
  });

  it("follows a key rotation without a restart: a new key verifies, a removed one no longer does", async () => {
    const verify = createJwtVerifier(t.deps.auth);
    const before = await issueJwt();
    expect(await verify(before)).not.toBeNull();
    const { adapter } = await t.deps.auth.$context;
    await adapter.deleteMany({ model: "jwks", where: [{ field: "id", value: kidOf(before) }] });
    // Without a key, better-auth makes a new one for the next JWT.
    const after = await issueJwt();
    expect(kidOf(after)).not.toBe(kidOf(before));
    expect(await verify(after)).not.toBeNull();
    expect(await verify(before)).toBeNull();
    expect((await t.deps.auth.api.verifyJWT({ body: { token: before } })).payload).toBeNull();
  });

  it("judges a verified token's expiry again on every request", async () => {
    const verify = createJwtVerifier(t.deps.auth);
    const jwt = await issueJwt();
    const payload = await verify(jwt);
    expect(await verify(jwt)).toEqual(payload as NonNullable<typeof payload>);
    try {
      setSystemTime(new Date(((payload?.exp ?? 0) + 1) * 1000));
      expect(await verify(jwt)).toBeNull();
    } finally {
      setSystemTime();
    }
    expect(await verify(jwt)).not.toBeNull();
  });
});
