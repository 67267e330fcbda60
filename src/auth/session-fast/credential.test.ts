import { describe, expect, it } from "bun:test";
import { createHmac } from "node:crypto";
import { createCredentialReader } from "./credential.ts";

const SECRET = "credential-test-secret-credential-test-secret";
const NAMES = {
  sessionToken: "gh.session_token",
  dontRemember: "gh.dont_remember",
  sessionData: "gh.session_data",
};
const TOKEN = "AbCdEfGhIjKlMnOpQrStUvWxYz012345";

/** A cookie value as better-call signs it: `<value>.<base64 HMAC-SHA-256>`, URL-encoded. */
function signed(value: string, secret = SECRET): string {
  const signature = createHmac("sha256", secret).update(value).digest("base64");
  return encodeURIComponent(`${value}.${signature}`);
}

const read = createCredentialReader(SECRET, NAMES);
const headers = (init: Record<string, string>) => new Headers(init);

describe("createCredentialReader", () => {
  it("reads the token of a signed session cookie", async () => {
    expect(await read(headers({ cookie: `other=1; gh.session_token=${signed(TOKEN)}` }))).toEqual({
      token: TOKEN,
      dontRememberMe: false,
    });
  });

  it("takes a cookie signed with another secret as no session, as better-auth does", async () => {
    expect(await read(headers({ cookie: `gh.session_token=${signed(TOKEN, "another-secret")}` }))).toBeNull();
  });

  it("takes a raw bearer token for itself, over the cookie", async () => {
    const credential = await read(
      headers({ authorization: `Bearer ${TOKEN}`, cookie: `gh.session_token=${signed("cookie-token")}` }),
    );
    expect(credential).toEqual({ token: TOKEN, dontRememberMe: false });
  });

  it("reports a valid dont_remember cookie", async () => {
    const cookie = `gh.session_token=${signed(TOKEN)}; gh.dont_remember=${signed("true")}`;
    expect(await read(headers({ cookie }))).toEqual({ token: TOKEN, dontRememberMe: true });
    const forged = `gh.session_token=${signed(TOKEN)}; gh.dont_remember=${signed("true", "another-secret")}`;
    expect(await read(headers({ cookie: forged }))).toEqual({ token: TOKEN, dontRememberMe: false });
  });

  it("names no session without a cookie or an authorization header", async () => {
    expect(await read(headers({}))).toBeNull();
    expect(await read(headers({ cookie: "theme=dark" }))).toBeNull();
  });

  it("leaves every unusual request to better-auth (undefined)", async () => {
    const unusual: Record<string, string>[] = [
      { cookie: `gh.session_token=${signed(TOKEN)}; gh.session_data=abc` },
      { cookie: `gh.session_token=${signed(TOKEN)}; gh.session_token=${signed("other")}` },
      { cookie: `gh.session_token="${signed(TOKEN)}"` },
      { cookie: "gh.session_token=no-signature" },
      { authorization: `Bearer ${decodeURIComponent(signed(TOKEN))}` },
      { authorization: "Basic dXNlcjpwYXNz" },
      { authorization: "Bearer " },
    ];
    for (const init of unusual) expect(await read(headers(init))).toBeUndefined();
  });
});
