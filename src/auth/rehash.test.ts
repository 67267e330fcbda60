/**
 * Imported password hashes (better-auth's scrypt, bcrypt, argon2 with other parameters) let their users sign in,
 * and the first successful sign-in replaces them with argon2id at the configured parameters.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { hash as argon2Hash } from "@node-rs/argon2";
import { createAuthClient } from "better-auth/client";
import { adminClient } from "better-auth/client/plugins";
import { hashPassword as scryptHash } from "better-auth/crypto";
import { createTestApp, type TestApp } from "../../test/helpers/test-app.ts";

const PASSWORD = "imported-password-1";

let t: TestApp;
let current = "";
beforeAll(async () => {
  t = await createTestApp();
  await t.listen();
  const { memoryCost, timeCost, parallelism } = t.config.argon2;
  current = `$argon2id$v=19$m=${memoryCost},t=${timeCost},p=${parallelism}$`;
});
afterAll(() => t.close());

const client = () => createAuthClient({ baseURL: t.baseUrl, plugins: [adminClient()] });

/** A user whose credential account carries `hash`, as if imported from another system. */
async function importedUser(label: string, hash: string): Promise<{ id: string; email: string }> {
  const email = `${label}-${Date.now()}@example.com`;
  const { data, error } = await client().signUp.email({
    email,
    password: "placeholder-password",
    name: label,
  });
  if (error || !data) throw new Error(`sign-up failed: ${JSON.stringify(error)}`);
  await t.deps.db.kysely
    .updateTable("account")
    .set({ password: hash })
    .where("userId", "=", data.user.id)
    .where("providerId", "=", "credential")
    .execute();
  await t.deps.db.kysely
    .updateTable("user")
    .set({ lastLoginAt: null })
    .where("id", "=", data.user.id)
    .execute();
  return { id: data.user.id, email };
}

async function storedHash(userId: string): Promise<string> {
  const row = await t.deps.db.kysely
    .selectFrom("account")
    .select("password")
    .where("userId", "=", userId)
    .where("providerId", "=", "credential")
    .executeTakeFirstOrThrow();
  return String(row.password);
}

async function lastLoginAt(userId: string): Promise<unknown> {
  const row = await t.deps.db.kysely
    .selectFrom("user")
    .select("lastLoginAt")
    .where("id", "=", userId)
    .executeTakeFirstOrThrow();
  return row.lastLoginAt;
}

const imports: [string, () => Promise<string>][] = [
  ["better-auth scrypt", () => scryptHash(PASSWORD)],
  ["bcrypt", () => Bun.password.hash(PASSWORD, { algorithm: "bcrypt", cost: 4 })],
  ["argon2i", () => Bun.password.hash(PASSWORD, { algorithm: "argon2i", memoryCost: 8192, timeCost: 1 })],
  [
    "argon2id with other parameters",
    () => argon2Hash(PASSWORD, { memoryCost: 9216, timeCost: 2, parallelism: 1 }),
  ],
];

describe("POST /api/auth/sign-in/email with an imported password hash", () => {
  for (const [kind, make] of imports) {
    it(`signs in with a ${kind} hash and stores argon2id at the configured parameters`, async () => {
      const original = await make();
      expect(original.startsWith(current)).toBe(false);
      const { id, email } = await importedUser(kind.replace(/\W+/g, "-"), original);

      const { data, error } = await client().signIn.email({ email, password: PASSWORD });
      expect(error).toBeNull();
      expect(data?.token).toBeString();

      const upgraded = await storedHash(id);
      expect(upgraded).not.toBe(original);
      expect(upgraded.startsWith(current)).toBe(true);
      expect(await lastLoginAt(id)).toBeTruthy();
      // The new hash holds the same password.
      expect((await client().signIn.email({ email, password: PASSWORD })).error).toBeNull();
      expect(await storedHash(id)).toBe(upgraded);
    });
  }

  it("keeps the old hash and records no sign-in when the password is wrong", async () => {
    const original = await scryptHash(PASSWORD);
    const { id, email } = await importedUser("scrypt-wrong", original);
    const { error } = await client().signIn.email({ email, password: "not-the-password" });
    expect(error?.status).toBe(401);
    expect(error?.code).toBe("INVALID_EMAIL_OR_PASSWORD");
    expect(await storedHash(id)).toBe(original);
    expect(await lastLoginAt(id)).toBeNull();
  });

  it("leaves a current argon2id hash untouched", async () => {
    const email = `current-${Date.now()}@example.com`;
    const { data } = await client().signUp.email({ email, password: PASSWORD, name: "Current" });
    const id = data?.user.id ?? "";
    const before = await storedHash(id);
    expect(before.startsWith(current)).toBe(true);
    expect((await client().signIn.email({ email, password: PASSWORD })).error).toBeNull();
    expect(await storedHash(id)).toBe(before);
  });
});
