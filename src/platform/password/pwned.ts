/**
 * Have I Been Pwned's range API (k-anonymity): only the first 5 hex digits of the password's SHA-1 leave the
 * server; the answer lists the suffixes of every leaked hash with that prefix. Off unless PWNED_PASSWORDS=true.
 * When the API does not answer in time the password is let through (and a warning logged): an outage of a third
 * party must not stop every sign-up and password change, and the local list (common.ts) still applies.
 */
import { createHash } from "node:crypto";
import type { Logger } from "../logger.ts";

/** Long enough for a slow API, short enough that a sign-up never hangs on it. */
const TIMEOUT_MS = 3000;

export type PwnedCheck = (password: string) => Promise<boolean>;

export function createPwnedCheck(baseUrl: string, logger: Pick<Logger, "warn">): PwnedCheck {
  const root = baseUrl.replace(/\/+$/, "");
  return async (password) => {
    const sha1 = createHash("sha1").update(password, "utf8").digest("hex").toUpperCase();
    const prefix = sha1.slice(0, 5);
    const suffix = sha1.slice(5);
    try {
      const response = await fetch(`${root}/range/${prefix}`, {
        // Padding hides from an observer of the traffic how many suffixes the prefix has.
        headers: { "add-padding": "true" },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`status ${response.status}`);
      for (const line of (await response.text()).split("\n")) {
        const [candidate, count] = line.trim().split(":");
        if (candidate === suffix && Number(count) > 0) return true;
      }
      return false;
    } catch (error) {
      logger.warn(
        { err: error },
        "the pwned-passwords API did not answer; the password was not checked there",
      );
      return false;
    }
  };
}
