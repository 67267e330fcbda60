/**
 * Brute-force detection, as Keycloak and Auth0 do it: failed attempts are counted per account (whatever the
 * address, path or surface) and per client address (across accounts), and each reaches a temporary lockout that
 * grows while the guessing goes on. Successful sign-ins are not counted, so an office behind one NAT address is
 * never locked out by its own users (only the flood limits of src/auth/rate-limits.ts apply to it).
 *
 * The counters live in the cache (`bf:` namespace), so every node sharing a Redis shares them; a cache outage
 * degrades to "no lockout" like every other cache use, while the per-address flood limits still hold.
 */
import type { Cache } from "../platform/cache/index.ts";

export interface LockoutPolicy {
  /** Failures that open a lockout; every further `threshold` failures open the next one. */
  readonly threshold: number;
  /** The first lockout, in seconds; each next one is twice as long, up to `maxLockSeconds`. */
  readonly firstLockSeconds: number;
  readonly maxLockSeconds: number;
  /** How long failures are remembered after the first one (seconds); a success forgets them sooner. */
  readonly memorySeconds: number;
}

/**
 * One account: 5 wrong guesses, then 30 s, 1 min, 2 min … up to 15 min between every 5 more. A guesser gets at
 * most ~25 tries in the first hour and 20 an hour after that, from however many addresses; a person who
 * mistypes waits half a minute.
 */
export const ACCOUNT_POLICY: LockoutPolicy = {
  threshold: 5,
  firstLockSeconds: 30,
  maxLockSeconds: 15 * 60,
  memorySeconds: 24 * 60 * 60,
};

/**
 * One address, across accounts: 20 failures (a few people mistyping behind one NAT stay far below), then 1 min,
 * 2 min … up to 1 h between every 20 more. This is what slows password spraying over many accounts.
 */
export const ADDRESS_POLICY: LockoutPolicy = {
  threshold: 20,
  firstLockSeconds: 60,
  maxLockSeconds: 60 * 60,
  memorySeconds: 60 * 60,
};

export const BRUTE_FORCE_NAMESPACE = "bf";

export interface Lockout {
  /** Seconds until attempts are accepted again. */
  readonly retryAfter: number;
}

export interface FailureCounter {
  /** The lockout in force for this key, or null. */
  lockout(key: string): Promise<Lockout | null>;
  /** Records one failure; opens the next lockout when it completes a batch of `threshold`. */
  recordFailure(key: string): Promise<void>;
  /** Forgets the failures and any lockout (a successful sign-in of the account). */
  forget(key: string): Promise<void>;
}

export function createFailureCounter(cache: Cache, policy: LockoutPolicy): FailureCounter {
  const failuresKey = (key: string) => `${BRUTE_FORCE_NAMESPACE}:failures:${key}`;
  const lockKey = (key: string) => `${BRUTE_FORCE_NAMESPACE}:lock:${key}`;
  return {
    async lockout(key) {
      const ms = await cache.ttl(lockKey(key));
      return ms === null ? null : { retryAfter: Math.max(1, Math.ceil(ms / 1000)) };
    },
    async recordFailure(key) {
      const failures = await cache.increment(failuresKey(key), policy.memorySeconds);
      if (failures % policy.threshold !== 0) return;
      const lockouts = failures / policy.threshold;
      await cache.set(lockKey(key), String(failures), lockSeconds(policy, lockouts));
    },
    async forget(key) {
      await Promise.all([cache.delete(failuresKey(key)), cache.delete(lockKey(key))]);
    },
  };
}

/** The n-th lockout (from 1): doubling from the first, capped. */
export function lockSeconds(policy: LockoutPolicy, n: number): number {
  return Math.min(policy.maxLockSeconds, policy.firstLockSeconds * 2 ** Math.min(n - 1, 30));
}
