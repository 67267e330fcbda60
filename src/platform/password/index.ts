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
  /**
   * The gate every hash and verification passes (./gate.ts): its load, for metrics and tests. Its `running`
   * counts the hashes handed to the thread pool, up to one per core more than run at once (slotsFor).
   */
  readonly slots: HashingGate;
}

const BCRYPT = /^\$2[abxy]\$\d\d\$/;
const SCRYPT = /^[0-9a-f]+:[0-9a-f]+$/i;

const CORES = navigator.hardwareConcurrency || 1;

// Without a gate given: one slot per core keeps every core busy (more only adds memory), and a queue of 64
// waits at most ~0.5 s at the default cost (15 ms per hash, 2 cores) before a request is refused.
const DEFAULT_GATE: HashingGateOptions = { concurrency: CORES, queue: 64 };

/**
 * The gate's slots for `gate.concurrency` hashes at once. @node-rs/argon2 runs each hash on Bun's thread pool,
 * which has one thread per core: with only as many hashes handed over as there are threads, a thread that
 * finishes one sits idle until the JavaScript thread has taken the result and handed over the next, which it
 * does only between its other work (measured during a sign-in flood with bench/sign-in-cost.ts IN_FLIGHT=50:
 * the hashing threads idle 13–18 % of the time with 2 slots on 2 cores, 5 % with 4, sign-ins waiting at the
 * gate throughout). So when the configured concurrency already covers every core, as many more are handed
 * over ahead: they wait in the pool's own queue, which starts them the moment a thread is free, and hold no
 * memory until then; the pool still runs one per core, so no more run at once than configured. Below one per
 * core (a deliberate limit), or on one core (nothing else could use the core meanwhile), nothing is added.
 */
function slotsFor(gate: HashingGateOptions): HashingGateOptions {
  const ahead = CORES > 1 && gate.concurrency >= CORES ? CORES : 0;
  return { concurrency: gate.concurrency + ahead, queue: gate.queue };
}

/**
 * Hashes and verifies through a gate (./gate.ts): at most `gate.concurrency` at once, `gate.queue` waiting,
 * `server_busy` beyond. A failed verification of a malformed hash is `false`; a refusal of the gate is thrown.
 */
export function createPasswordHasher(
  params: Argon2Params,
  gate: HashingGateOptions = DEFAULT_GATE,
): PasswordHasher {
  const current = `$argon2id$v=19$m=${params.memoryCost},t=${params.timeCost},p=${params.parallelism}$`;
  const slots = createHashingGate(slotsFor(gate));
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
