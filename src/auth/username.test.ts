/**
 * Username sign-up and sign-in (better-auth's username plugin) through the official client with
 * `usernameClient`: usernames are stored normalized (lower case), so they are unique case-insensitively.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createAuthClient } from "better-auth/client";
import { usernameClient } from "better-auth/client/plugins";
import { createTestApp, type TestApp } from "../../test/helpers/test-app.ts";

const PASSWORD = "password-123";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await t.listen();
});
afterAll(() => t.close());

const client = () => createAuthClient({ baseURL: t.baseUrl, plugins: [usernameClient()] });

const usersNamed = (username: string) =>
  t.deps.db.kysely.selectFrom("user").selectAll().where("username", "=", username).execute();
const userByEmail = (email: string) =>
  t.deps.db.kysely.selectFrom("user").selectAll().where("email", "=", email).executeTakeFirst();

async function signUp(username: string, email: string) {
  return client().signUp.email({ email, password: PASSWORD, name: username, username });
}

describe("POST /api/auth/sign-up/email with a username", () => {
  it("stores the username lower-cased and keeps the spelling as displayUsername", async () => {
    const { data, error } = await signUp("Alice_1", "alice-1@example.com");
    expect(error).toBeNull();
    expect(data?.user).toMatchObject({ username: "alice_1", displayUsername: "Alice_1" });
    expect(await usersNamed("alice_1")).toHaveLength(1);
  });

  it("refuses a username that differs only in case (400 USERNAME_IS_ALREADY_TAKEN)", async () => {
    await signUp("Bob.Smith", "bob-1@example.com");
    const { data, error } = await signUp("bob.smith", "bob-2@example.com");
    expect(data).toBeNull();
    expect(error?.status).toBe(400);
    expect(error?.code).toBe("USERNAME_IS_ALREADY_TAKEN");
    expect(await userByEmail("bob-2@example.com")).toBeUndefined();
    expect(await usersNamed("bob.smith")).toHaveLength(1);
  });

  it("lets only one of two simultaneous sign-ups take a name", async () => {
    const results = await Promise.all([
      signUp("Racer", "racer-1@example.com"),
      signUp("RACER", "racer-2@example.com"),
      signUp("racer", "racer-3@example.com"),
    ]);
    const statuses = results.map(({ error }) => error?.status ?? 200).sort();
    expect(statuses[0]).toBe(200);
    for (const status of statuses.slice(1)) expect(status).toBeGreaterThanOrEqual(400);
    for (const status of statuses.slice(1)) expect(status).toBeLessThan(500);
    expect(await usersNamed("racer")).toHaveLength(1);
  });

  for (const [label, username, code] of [
    ["too short", "ab", "USERNAME_TOO_SHORT"],
    ["too long", "a".repeat(151), "USERNAME_TOO_LONG"],
    ["with a space", "bad name", "INVALID_USERNAME"],
    ["with punctuation", "bad!name", "INVALID_USERNAME"],
    ["with a non-ASCII letter", "zoë_1", "INVALID_USERNAME"],
  ] as const) {
    it(`refuses a username ${label} (400 ${code}) and creates no user`, async () => {
      const email = `invalid-${label.replace(/\W+/g, "-")}@example.com`;
      const { error } = await signUp(username, email);
      expect(error?.status).toBe(400);
      expect(error?.code).toBe(code);
      expect(await userByEmail(email)).toBeUndefined();
    });
  }
});

describe("POST /api/auth/sign-in/username", () => {
  beforeAll(async () => {
    const { error } = await signUp("Carol", "carol@example.com");
    expect(error).toBeNull();
  });

  it("signs in with the username in any case and returns a usable session token", async () => {
    for (const username of ["carol", "CAROL", "Carol"]) {
      const { data, error } = await client().signIn.username({ username, password: PASSWORD });
      expect(error).toBeNull();
      expect(data?.user).toMatchObject({ email: "carol@example.com", username: "carol" });
      const session = await t.request("/api/auth/get-session", { token: data?.token ?? "" });
      expect(((await session.json()) as { user: { username: string } }).user.username).toBe("carol");
    }
  });

  it("answers 401 INVALID_USERNAME_OR_PASSWORD for a wrong password or an unknown name alike", async () => {
    const wrong = await client().signIn.username({ username: "carol", password: "wrong-password" });
    const unknown = await client().signIn.username({ username: "nobody_here", password: PASSWORD });
    for (const { error } of [wrong, unknown]) {
      expect(error?.status).toBe(401);
      expect(error?.code).toBe("INVALID_USERNAME_OR_PASSWORD");
    }
  });

  it("answers 422 INVALID_USERNAME for a name that could never exist", async () => {
    const { error } = await client().signIn.username({ username: "no way!", password: PASSWORD });
    expect(error?.status).toBe(422);
    expect(error?.code).toBe("INVALID_USERNAME");
  });
});

describe("POST /api/auth/is-username-available", () => {
  it("reports a taken name as unavailable whatever its case, and a free one as available", async () => {
    await signUp("Dave", "dave@example.com");
    for (const username of ["dave", "DAVE"]) {
      const { data } = await client().isUsernameAvailable({ username });
      expect(data?.available).toBe(false);
    }
    const { data } = await client().isUsernameAvailable({ username: "free_name" });
    expect(data?.available).toBe(true);
  });

  it("answers 422 INVALID_USERNAME for an invalid name", async () => {
    const { error } = await client().isUsernameAvailable({ username: "bad!name" });
    expect(error?.status).toBe(422);
    expect(error?.code).toBe("INVALID_USERNAME");
  });
});

describe("POST /api/auth/update-user with a username", () => {
  it("changes the username, and refuses one another user holds in another case", async () => {
    await signUp("Erin", "erin@example.com");
    await signUp("Frank", "frank@example.com");
    const token = await t.signIn("erin@example.com", PASSWORD);
    const headers = { authorization: `Bearer ${token}` };

    const taken = await client().updateUser({ username: "FRANK", fetchOptions: { headers } });
    expect(taken.error?.status).toBe(400);
    expect(taken.error?.code).toBe("USERNAME_IS_ALREADY_TAKEN");
    expect((await userByEmail("erin@example.com"))?.username).toBe("erin");

    const renamed = await client().updateUser({ username: "Erin_New", fetchOptions: { headers } });
    expect(renamed.error).toBeNull();
    const { data, error } = await client().signIn.username({ username: "erin_new", password: PASSWORD });
    expect(error).toBeNull();
    expect(data?.user.email).toBe("erin@example.com");
  });
});
