/**
 * Cedar's answers, remembered per pre-parsed policy set. An answer is a function of the policy set and the call
 * alone: principal, action, resource, context and every entity are passed in (src/authz/request.ts builds them
 * from rows read for this request), and Cedar reads nothing else. So the same call on the same set gets the
 * same answer, and the wasm evaluation (about ten times a session look-up) runs once per distinct call. The
 * memo is keyed by the question the call is built from (service.ts passes its AuthzRequest, from which
 * request.ts builds the call by a pure function): on a hit, the call is not even built.
 *
 * A set is known by its id and by how often it was pre-parsed: re-preparing an id (a rule change, a slot taken
 * by another tenant, a failed parse) makes its earlier answers unreachable, and they age out of the bounded LRU.
 * Revocation is unaffected: roles, ban and membership are read per request and are part of the call.
 */
import type { AuthorizationAnswer } from "@cedar-policy/cedar-wasm/nodejs";

/** About 1 KB per entry (key and answer): a few MB at most, whatever the number of users and tenants. */
export const DEFAULT_DECISION_MEMO_SIZE = 4_096;

export interface DecisionMemo {
  /** Call after every pre-parse of `setId`, successful or not. */
  replaced(setId: string): void;
  /**
   * The answer to `question` on `setId`, computed by `evaluate` unless remembered. `question` is whatever
   * determines the Cedar call entirely (the call itself, or what it is built from), as JSON.
   */
  answer(setId: string, question: unknown, evaluate: () => AuthorizationAnswer): AuthorizationAnswer;
  readonly size: number;
}

export function createDecisionMemo(capacity = DEFAULT_DECISION_MEMO_SIZE): DecisionMemo {
  const answers = new Map<string, AuthorizationAnswer>();
  // One number per set id: bounded by the prepared slots, not by tenants or calls.
  const versions = new Map<string, number>();
  return {
    replaced(setId) {
      versions.set(setId, (versions.get(setId) ?? 0) + 1);
    },
    answer(setId, question, evaluate) {
      const key = `${setId}#${versions.get(setId) ?? 0}\n${JSON.stringify(question)}`;
      const known = answers.get(key);
      if (known) {
        // Least recently used first: a hit moves to the end.
        answers.delete(key);
        answers.set(key, known);
        return known;
      }
      const fresh = evaluate();
      // Failures and evaluation errors are logged by the caller on every call: they are not remembered.
      if (fresh.type !== "success" || fresh.response.diagnostics.errors.length > 0) return fresh;
      if (answers.size >= capacity) {
        const oldest = answers.keys().next();
        if (!oldest.done) answers.delete(oldest.value);
      }
      answers.set(key, fresh);
      return fresh;
    },
    get size() {
      return answers.size;
    },
  };
}
