import { describe, expect, it } from "bun:test";
import { hash as argon2Hash } from "@node-rs/argon2";
import { hashPassword as scryptHash } from "better-auth/crypto";
import { createPasswordHasher } from "./index.ts";

// The cheapest parameters the config accepts: these tests check formats, not cost.
const params = { memoryCost: 8192, timeCost: 1, parallelism: 1 } as const;
const hasher = createPasswordHasher(params);
const PASSWORD = "correct horse battery";

describe("createPasswordHasher", () => {
  it("hashes with argon2id at the configured parameters and verifies the result", async () => {
    const hash = await hasher.hash(PASSWORD);
    expect(hash.startsWith("$argon2id$v=19$m=8192,t=1,p=1$")).toBe(true);
    expect(await hasher.verify(hash, PASSWORD)).toBe(true);
    expect(await hasher.verify(hash, "wrong password")).toBe(false);
    expect(hasher.needsRehash(hash)).toBe(false);
  });

  it("salts every hash", async () => {
    expect(await hasher.hash(PASSWORD)).not.toBe(await hasher.hash(PASSWORD));
  });

  it("verifies better-auth's own scrypt hashes and asks for a rehash", async () => {
    const hash = await scryptHash(PASSWORD);
    expect(hash).toMatch(/^[0-9a-f]+:[0-9a-f]+$/);
    expect(await hasher.verify(hash, PASSWORD)).toBe(true);
    expect(await hasher.verify(hash, "wrong password")).toBe(false);
    expect(hasher.needsRehash(hash)).toBe(true);
  });

  it("verifies bcrypt hashes and asks for a rehash", async () => {
    const hash = await Bun.password.hash(PASSWORD, { algorithm: "bcrypt", cost: 4 });
    expect(hash).toMatch(/^\$2[aby]\$04\$/);
    expect(await hasher.verify(hash, PASSWORD)).toBe(true);
    expect(await hasher.verify(hash, "wrong password")).toBe(false);
    expect(hasher.needsRehash(hash)).toBe(true);
  });

  it("verifies argon2i hashes and asks for a rehash", async () => {
    const hash = await Bun.password.hash(PASSWORD, { algorithm: "argon2i", memoryCost: 8192, timeCost: 1 });
    expect(hash.startsWith("$argon2i$")).toBe(true);
    expect(await hasher.verify(hash, PASSWORD)).toBe(true);
    expect(await hasher.verify(hash, "wrong password")).toBe(false);
    expect(hasher.needsRehash(hash)).toBe(true);
  });

  it("verifies argon2id hashes with other parameters and asks for a rehash", async () => {
    const hash = await argon2Hash(PASSWORD, { memoryCost: 9216, timeCost: 2, parallelism: 1 });
    expect(hash.startsWith("$argon2id$v=19$m=9216,t=2,p=1$")).toBe(true);
    expect(await hasher.verify(hash, PASSWORD)).toBe(true);
    expect(await hasher.verify(hash, "wrong password")).toBe(false);
    expect(hasher.needsRehash(hash)).toBe(true);
  });

  it("asks for a rehash when the configured parameters change", async () => {
    const hash = await hasher.hash(PASSWORD);
    const stronger = createPasswordHasher({ ...params, timeCost: 2 });
    expect(stronger.needsRehash(hash)).toBe(true);
    expect(await stronger.verify(hash, PASSWORD)).toBe(true);
  });

  it("returns false for malformed or unknown hashes instead of throwing", async () => {
    const malformed = [
      "",
      "not a hash",
      "$argon2id$v=19$m=8192,t=1,p=1$broken",
      "$2b$04$tooshort",
      "abcdef:0123",
      "zz:zz",
      "$pbkdf2-sha256$29000$abc$def",
    ];
    for (const hash of malformed) {
      expect(await hasher.verify(hash, PASSWORD)).toBe(false);
    }
  });
});
