/**
 * The audit trail (ASVS 16.3): append-only events, each chained to the previous one by hash (chain.ts), read by
 * GET /v1/audit-events and checked by `npm run audit:verify` (verify.ts).
 *
 * Appends are awaited by the caller, so an event is stored before the response leaves; a write that fails is
 * logged at error level with the whole event (it is never dropped silently) and does not fail the request.
 * Two nodes may append at once: each append holds the chain's lock (an advisory lock on PostgreSQL, SQLite's
 * write lock) from reading the chain head to inserting after it, so the chain never forks. An event recorded
 * inside a transaction is appended once it commits.
 */
import type { AuditEventInput } from "../../auth/audit-event.ts";
import type { Db } from "../../platform/db/index.ts";
import { afterCommit, inTransaction } from "../../platform/db/transaction-scope.ts";
import type { Logger } from "../../platform/logger.ts";
import { canonicalDetails, chainHash, GENESIS_HASH, type StoredEvent } from "./chain.ts";
import { type AuditFilter, createAuditQueries } from "./queries.ts";

// Any fixed number; it only has to be the same on every node (it names "the audit chain's head").
const AUDIT_CHAIN_LOCK_KEY = 7_301_446_106;
// Long enough for a user agent or an e-mail address; a client cannot make one event arbitrarily large.
const FIELD_MAX = 512;
// Retention runs at most this often per node, inside an append (so no timer outlives the app).
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface AuditServiceDeps {
  readonly db: Db;
  readonly logger: Logger;
  /** AUDIT_RETENTION_DAYS; 0 keeps every event. */
  readonly retentionDays: number;
  readonly now?: () => Date;
}

function clip(value: string | null | undefined): string | null {
  if (value === undefined || value === null || value === "") return null;
  // PostgreSQL refuses NUL in text: an attacker's identifier must not make its own failed attempt unrecordable.
  const text = value.includes("\u0000") ? value.replaceAll("\u0000", "\uFFFD") : value;
  return text.length > FIELD_MAX ? text.slice(0, FIELD_MAX) : text;
}

function clipDetails(details: AuditEventInput["details"]) {
  if (!details) return undefined;
  return Object.fromEntries(
    Object.entries(details).map(([key, value]) => [
      key,
      typeof value === "string" ? clip(value) : Array.isArray(value) ? value.map((v) => clip(v)) : value,
    ]),
  );
}

export function createAuditService(deps: AuditServiceDeps) {
  const { db, logger, retentionDays } = deps;
  const now = deps.now ?? (() => new Date());
  const queries = createAuditQueries(db);
  let lastPrune = 0;
  // One append at a time per process: keeps this node's appends from queueing on the database lock.
  let tail: Promise<unknown> = Promise.resolve();

  async function append(input: AuditEventInput): Promise<StoredEvent> {
    const occurredAt = now();
    return queries.withChainLock(AUDIT_CHAIN_LOCK_KEY, async (trx) => {
      const head = await queries.head(trx);
      const unhashed = {
        seq: (head?.seq ?? 0) + 1,
        id: crypto.randomUUID(),
        occurredAt,
        type: input.type,
        actorType: input.actorType ?? null,
        actorId: clip(input.actorId),
        subjectType: clip(input.subjectType),
        subjectId: clip(input.subjectId),
        tenantId: clip(input.tenantId),
        ip: clip(input.ip),
        userAgent: clip(input.userAgent),
        details: canonicalDetails(clipDetails(input.details)),
        prevHash: head?.hash ?? GENESIS_HASH,
      };
      const event = { ...unhashed, hash: chainHash(unhashed) };
      await queries.insert(trx, event);
      if (retentionDays > 0 && occurredAt.getTime() - lastPrune > PRUNE_INTERVAL_MS) {
        lastPrune = occurredAt.getTime();
        const removed = await queries.deleteBefore(
          trx,
          new Date(occurredAt.getTime() - retentionDays * DAY_MS),
        );
        if (removed > 0) logger.info({ removed, retentionDays }, "audit events past retention deleted");
      }
      return event;
    });
  }

  /** Stores the event; never throws. */
  async function record(input: AuditEventInput): Promise<void> {
    // Inside a transaction (an event of a better-auth route run in one, or of a core write): after it commits,
    // so that a rolled-back change leaves no event, and so that the append's own lock and BEGIN do not wait,
    // on SQLite, for the one connection the transaction holds (src/platform/db/transaction-scope.ts).
    if (inTransaction()) return afterCommit(() => record(input));
    const run = tail.then(() => append(input));
    tail = run.catch(() => undefined);
    try {
      await run;
    } catch (error) {
      logger.error({ err: error, auditEvent: input }, "audit event could not be stored");
    }
  }

  return {
    record,
    /** Like record, but a failure reaches the caller (the verifier's tests, tools). */
    append: (input: AuditEventInput) => {
      const run = tail.then(() => append(input));
      tail = run.catch(() => undefined);
      return run;
    },
    list: (filter: AuditFilter) => queries.list(filter),
    walk: (afterSeq: number, batch: number) => queries.walk(afterSeq, batch),
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
