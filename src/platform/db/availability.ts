/**
 * Whether the database can serve this node right now, learned from the queries themselves: every query goes
 * through an observer (observed-driver.ts) that reports its failures and successes here.
 *
 * - `classifyDatabaseError` tells an outage (the server restarting or stopped, the connection lost, the disk
 *   full, the file read-only) from an error of the query itself (a unique violation, a bad statement). Only an
 *   outage is answered 503 with Retry-After; anything else stays what it was.
 * - The request scope: better-auth catches adapter errors and answers its own 422 FAILED_TO_CREATE_USER or 500,
 *   and the principal resolver treats a failed session lookup as "no session". So an outage is also recorded
 *   on the request that met it (AsyncLocalStorage, entered by src/http/pipeline/database-outage.ts), and the
 *   surfaces answer 503 for a request that met one, whatever the layer in between made of it.
 * - The tracker keeps the current outage for /health and logs it once when it starts, then at most once a
 *   minute with the number of failures not logged, and once when it ends. Nothing is cached beyond evidence:
 *   the next query that succeeds ends an outage (a refused write only ends with a write that succeeds, since
 *   reads keep working on a full disk).
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** `unreachable`: no query gets through; `writes_refused`: reads answer, writes fail (disk full, read-only). */
export type OutageKind = "unreachable" | "writes_refused";

export interface Outage {
  readonly kind: OutageKind;
  /** For operators, without secrets: "disk full", "read-only", "connection refused", … */
  readonly reason: string;
}

const SQLITE_CODES: readonly (readonly [string, Outage])[] = [
  ["SQLITE_FULL", { kind: "writes_refused", reason: "disk full" }],
  ["SQLITE_READONLY", { kind: "writes_refused", reason: "read-only" }],
  ["SQLITE_IOERR", { kind: "writes_refused", reason: "I/O error" }],
  ["SQLITE_CANTOPEN", { kind: "unreachable", reason: "cannot open the database file" }],
];

/** PostgreSQL SQLSTATEs (appendix A of its manual) and Node's socket errors that mean "not now", not "never". */
const CODES: Readonly<Record<string, Outage>> = {
  "57P01": { kind: "unreachable", reason: "server shutting down" },
  "57P02": { kind: "unreachable", reason: "server crashed" },
  "57P03": { kind: "unreachable", reason: "server starting up or shutting down" },
  "53300": { kind: "unreachable", reason: "too many connections" },
  "08000": { kind: "unreachable", reason: "connection lost" },
  "08001": { kind: "unreachable", reason: "connection refused" },
  "08003": { kind: "unreachable", reason: "connection lost" },
  "08004": { kind: "unreachable", reason: "connection refused" },
  "08006": { kind: "unreachable", reason: "connection lost" },
  "53100": { kind: "writes_refused", reason: "disk full" },
  "25006": { kind: "writes_refused", reason: "read-only" },
  ECONNREFUSED: { kind: "unreachable", reason: "connection refused" },
  ECONNRESET: { kind: "unreachable", reason: "connection reset" },
  EPIPE: { kind: "unreachable", reason: "connection lost" },
  ETIMEDOUT: { kind: "unreachable", reason: "connection timeout" },
  EHOSTUNREACH: { kind: "unreachable", reason: "host unreachable" },
  ENETUNREACH: { kind: "unreachable", reason: "network unreachable" },
  ENOTFOUND: { kind: "unreachable", reason: "host not found" },
  EAI_AGAIN: { kind: "unreachable", reason: "host not found" },
};

/** pg's own errors carry no code, only these words (pg-pool and pg's client). */
const MESSAGES: readonly (readonly [RegExp, Outage])[] = [
  [/timeout exceeded when trying to connect/i, { kind: "unreachable", reason: "connection timeout" }],
  [/connection timeout/i, { kind: "unreachable", reason: "connection timeout" }],
  [/connection terminated/i, { kind: "unreachable", reason: "connection lost" }],
  [/not queryable/i, { kind: "unreachable", reason: "connection lost" }],
  [/connection refused/i, { kind: "unreachable", reason: "connection refused" }],
];

// An error's causes are followed this far (a driver wraps a socket error, a library wraps the driver's).
const CAUSE_DEPTH = 5;

/** The outage an error stands for, or undefined when it is an error of the query (or not the database's). */
export function classifyDatabaseError(error: unknown, depth = 0): Outage | undefined {
  if (depth > CAUSE_DEPTH || error === null || typeof error !== "object") return undefined;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === "string") {
    const sqlite = SQLITE_CODES.find(([prefix]) => code.startsWith(prefix));
    if (sqlite) return sqlite[1];
    if (Object.hasOwn(CODES, code)) return CODES[code];
  }
  if (typeof message === "string") {
    const known = MESSAGES.find(([pattern]) => pattern.test(message));
    if (known) return known[1];
  }
  // A connection to "localhost" tries ::1 and 127.0.0.1 and reports both refusals together.
  if (Array.isArray(errors)) {
    for (const each of errors) {
      const outage = classifyDatabaseError(each, depth + 1);
      if (outage) return outage;
    }
  }
  return classifyDatabaseError(cause, depth + 1);
}

interface RequestRecord {
  outage?: Outage;
}

// One per process on purpose: a request belongs to one app, and the record lives only as long as its request.
const requests = new AsyncLocalStorage<RequestRecord>();

/** Runs one request's handling with a fresh record of the outages it meets. */
export function inDatabaseRequestScope<T>(handle: () => T): T {
  return requests.run({}, handle);
}

/** The outage the current request met, if any (undefined outside a request scope). */
export function outageOfThisRequest(): Outage | undefined {
  return requests.getStore()?.outage;
}

interface WarnLogger {
  warn(object: object, message: string): void;
  info(object: object, message: string): void;
}

export interface AvailabilityOptions {
  readonly logger?: WarnLogger | undefined;
  readonly now?: () => number;
}

// Often enough that an operator watching the log sees it is still going on; rare enough not to flood it.
const LOG_EVERY_MS = 60_000;

export interface CurrentOutage extends Outage {
  readonly since: Date;
}

export interface DbAvailability {
  /** A query failed: returns the outage it stands for (and records it), or undefined for an error of the query. */
  failed(error: unknown): Outage | undefined;
  /** A query succeeded; `write` when it changed data (only that ends a `writes_refused` outage). */
  succeeded(write: boolean): void;
  /** The outage in force, or undefined while the database serves. */
  current(): CurrentOutage | undefined;
}

export function createDbAvailability(options: AvailabilityOptions = {}): DbAvailability {
  const now = options.now ?? Date.now;
  const logger = options.logger;
  let state:
    | { outage: Outage; since: number; lastLogged: number; failures: number; unlogged: number }
    | undefined;

  return {
    failed(error) {
      const outage = classifyDatabaseError(error);
      if (!outage) return undefined;
      const record = requests.getStore();
      if (record) record.outage = outage;
      const at = now();
      if (!state) {
        state = { outage, since: at, lastLogged: at, failures: 1, unlogged: 0 };
        logger?.warn({ reason: outage.reason, kind: outage.kind }, "database unavailable");
        return outage;
      }
      state.outage = outage;
      state.failures += 1;
      if (at - state.lastLogged >= LOG_EVERY_MS) {
        logger?.warn(
          { reason: outage.reason, kind: outage.kind, failures: state.failures, suppressed: state.unlogged },
          "database still unavailable",
        );
        state.lastLogged = at;
        state.unlogged = 0;
      } else {
        state.unlogged += 1;
      }
      return outage;
    },
    succeeded(write) {
      if (!state || (state.outage.kind === "writes_refused" && !write)) return;
      logger?.info(
        { reason: state.outage.reason, failures: state.failures, down_ms: now() - state.since },
        "database available again",
      );
      state = undefined;
    },
    current() {
      return state ? { ...state.outage, since: new Date(state.since) } : undefined;
    },
  };
}
