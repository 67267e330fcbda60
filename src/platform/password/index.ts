/**
 * Password hashing: argon2id for every new hash; verification also accepts the hashes that imported users
 * bring along (better-auth's scrypt `salt:hex`, bcrypt, other argon2 variants), so they can sign in once and be
 * re-hashed to the current parameters.
 */
import { hash as argon2Hash, verify as argon2Verify } from "@node-rs/argon2";
import { verifyPassword as verifyScrypt } from "better-auth/crypto";

export interface Argon2Params {
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** True when a stored hash is not argon2id with the current parameters. */
  needsRehash(hash: string): boolean;
}

const BCRYPT = /^\$2[abxy]\$\d\d\$/;
const SCRYPT = /^[0-9a-f]+:[0-9a-f]+$/i;

export function createPasswordHasher(params: Argon2Params): PasswordHasher {
  const current = `$argon2id$v=19$m=${params.memoryCost},t=${params.timeCost},p=${params.parallelism}$`;
  return {
    hash: (password) => argon2Hash(password, params),
    async verify(hash, password) {
      try {
        if (hash.startsWith("$argon2")) return await argon2Verify(hash, password);
        if (BCRYPT.test(hash)) return await Bun.password.verify(password, hash, "bcrypt");
        if (SCRYPT.test(hash)) return await verifyScrypt({ hash, password });
      } catch {
        // A malformed stored hash is a failed verification, never a server error.
      }
      return false;
    },
    needsRehash: (hash) => !hash.startsWith(current),
  };
}
