/**
 * Password hashing: argon2id for every new hash; verification also accepts the hashes that imported users
 * bring along (better-auth's scrypt `salt:hex`, bcrypt, other argon2 variants), so they can sign in once and be
 * re-hashed to the current parameters.
 */
import { hash as argon2Hash, verify as argon2Verify } from "@node-rs/argon2";
import { verifyPassword as verifyScrypt } from "better-auth/crypto";
import { createHashingGate, type HashingGate, type HashingGateOptions } from "./gate.ts";

export {
  isServerBusy,
  refusingWhenBusy,
  SERVER_BUSY,
  SERVER_BUSY_RETRY_AFTER_SECONDS,
  serverBusy,
} from "./gate.ts";

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
  /** The gate every hash and verification passes (./gate.ts): its load, for metrics and tests. */
  readonly slots: HashingGate;
}

const BCRYPT = /^\$2[abxy]\$\d\d\$/;
const SCRYPT = /^[0-9a-f]+:[0-9a-f]+$/i;

// Without a gate given: one slot per core keeps every core busy (more only adds memory), and a queue of 64
// waits at most ~0.5 s at the default cost (15 ms per hash, 2 cores) before a request is refused.
const DEFAULT_GATE: HashingGateOptions = { concurrency: navigator.hardwareConcurrency || 1, queue: 64 };

/**
 * Hashes and verifies through a gate (./gate.ts): at most `gate.concurrency` at once, `gate.queue` waiting,
 * `server_busy` beyond. A failed verification of a malformed hash is `false`; a refusal of the gate is thrown.
 */
export function createPasswordHasher(
  params: Argon2Params,
  gate: HashingGateOptions = DEFAULT_GATE,
): PasswordHasher {
  const current = `$argon2id$v=19$m=${params.memoryCost},t=${params.timeCost},p=${params.parallelism}$`;
  const slots = createHashingGate(gate);
  async function verifyAny(hash: string, password: string): Promise<boolean> {
    try {
      if (hash.startsWith("$argon2")) return await argon2Verify(hash, password);
      if (BCRYPT.test(hash)) return await Bun.password.verify(password, hash, "bcrypt");
      if (SCRYPT.test(hash)) return await verifyScrypt({ hash, password });
    } catch {
      // A malformed stored hash is a failed verification, never a server error.
    }
    return false;
  }
  return {
    hash: (password) => slots.run(() => argon2Hash(password, params)),
    verify: (hash, password) => slots.run(() => verifyAny(hash, password)),
    needsRehash: (hash) => !hash.startsWith(current),
    slots,
  };
}
