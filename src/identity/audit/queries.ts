/** SQL of the audit trail: the chain head, appends, the filtered page, the verifier's walk and retention. */
import { type Kysely, sql } from "kysely";
import type { Db, Tables } from "../../platform/db/index.ts";
import { compiledOnce } from "../../platform/db/prepared.ts";
import { dateParam, toDate } from "../../platform/db/values.ts";
import type { StoredEvent } from "./chain.ts";

const TABLE = "audit_event";

export interface AuditFilter {
  /** Only this tenant's events; undefined = every event (platform admins). */
  readonly tenantId?: string;
  readonly types?: readonly string[];
  readonly actorId?: string;
  readonly subjectId?: string;
  readonly from?: Date;
  readonly to?: Date;
  /** Events older than this one (the previous page's last `seq`). */
  readonly beforeSeq?: number;
  readonly limit: number;
}

// biome-ignore lint/suspicious/noExplicitAny: a row of our own table, converted field by field in toEvent
function toEvent(row: any): StoredEvent {
  return {
    // PostgreSQL returns bigint as text.
    seq: Number(row.seq),
    id: row.id,
    occurredAt: toDate(row.occurredAt),
    type: row.type,
    actorType: row.actorType ?? null,
    actorId: row.actorId ?? null,
    subjectType: row.subjectType ?? null,
    subjectId: row.subjectId ?? null,
    tenantId: row.tenantId ?? null,
    ip: row.ip ?? null,
    userAgent: row.userAgent ?? null,
    details: row.details ?? null,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

/** The columns of an event, in the order of the insert's parameters. */
const COLUMNS = [
  "seq",
  "id",
  "occurredAt",
  "type",
  "actorType",
  "actorId",
  "subjectType",
  "subjectId",
  "tenantId",
  "ip",
  "userAgent",
  "details",
  "prevHash",
  "hash",
] as const satisfies readonly (keyof StoredEvent)[];

/**
 * The statements of every append (the head, the insert, SQLite's BEGIN IMMEDIATE and COMMIT), compiled once:
 * building and compiling them through Kysely on each append cost more than running them. Their text never
 * changes; the insert takes the event's values in COLUMNS order.
 */
function appendStatements(db: Db) {
  const { kysely } = db;
  return {
    head: kysely.selectFrom(TABLE).select(["seq", "hash"]).orderBy("seq", "desc").limit(1).compile(),
    insert: compiledOnce(db, (k, param) =>
      k.insertInto(TABLE).values(Object.fromEntries(COLUMNS.map((column, i) => [column, param(i)]))),
    ),
    begin: sql`begin immediate`.compile(kysely),
    commit: sql`commit`.compile(kysely),
  };
}

export function createAuditQueries(db: Db) {
  const { kysely, dialect } = db;
  const date = (value: Date) => dateParam(dialect, value);
  const statements = appendStatements(db);

  return {
    async head(trx: Kysely<Tables>): Promise<{ seq: number; hash: string } | undefined> {
      const { rows } = await trx.executeQuery<{ seq: unknown; hash: string }>(statements.head);
      const row = rows[0];
      return row ? { seq: Number(row.seq), hash: row.hash } : undefined;
    },

    async insert(trx: Kysely<Tables>, event: StoredEvent): Promise<void> {
      const row: Record<string, unknown> = { ...event, occurredAt: date(event.occurredAt) };
      await trx.executeQuery(statements.insert(...COLUMNS.map((column) => row[column])));
    },

    /**
     * Deletes the oldest events, up to the first one that occurred at or after `cutoff`: always a prefix of the
     * chain (whatever the clocks of the nodes did), so the events kept still verify from the oldest one.
     */
    async deleteBefore(executor: Kysely<Tables>, cutoff: Date): Promise<number> {
      const firstKept = await executor
        .selectFrom(TABLE)
        .select("seq")
        .where("occurredAt", ">=", date(cutoff))
        .orderBy("seq", "asc")
        .limit(1)
        .executeTakeFirst();
      if (!firstKept) return 0;
      const result = await executor.deleteFrom(TABLE).where("seq", "<", firstKept.seq).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /** Newest first. */
    async list(filter: AuditFilter): Promise<StoredEvent[]> {
      let query = kysely.selectFrom(TABLE).selectAll();
      if (filter.tenantId !== undefined) query = query.where("tenantId", "=", filter.tenantId);
      if (filter.types?.length) query = query.where("type", "in", [...filter.types]);
      if (filter.actorId) query = query.where("actorId", "=", filter.actorId);
      if (filter.subjectId) query = query.where("subjectId", "=", filter.subjectId);
      if (filter.from) query = query.where("occurredAt", ">=", date(filter.from));
      if (filter.to) query = query.where("occurredAt", "<", date(filter.to));
      if (filter.beforeSeq !== undefined) query = query.where("seq", "<", filter.beforeSeq);
      const rows = await query.orderBy("seq", "desc").limit(filter.limit).execute();
      return rows.map(toEvent);
    },

    /** The chain in order, `batch` events after `afterSeq`. */
    async walk(afterSeq: number, batch: number): Promise<StoredEvent[]> {
      const rows = await kysely
        .selectFrom(TABLE)
        .selectAll()
        .where("seq", ">", afterSeq)
        .orderBy("seq", "asc")
        .limit(batch)
        .execute();
      return rows.map(toEvent);
    },

    /**
     * Runs `work` in a transaction that holds the chain's append lock until it ends, so two appends (two nodes)
     * never read the same head. PostgreSQL: a transaction-scoped advisory lock. SQLite: BEGIN IMMEDIATE takes
     * the write lock before the head is read (a plain BEGIN would fail with SQLITE_BUSY when a second connection
     * upgrades its read lock); busy_timeout makes the second writer wait.
     */
    async withChainLock<T>(key: number, work: (executor: Kysely<Tables>) => Promise<T>): Promise<T> {
      if (dialect === "postgres") {
        return kysely.transaction().execute(async (trx) => {
          await sql`select pg_advisory_xact_lock(${key})`.execute(trx);
          return work(trx);
        });
      }
      return kysely.connection().execute(async (connection) => {
        await connection.executeQuery(statements.begin);
        try {
          const result = await work(connection);
          await connection.executeQuery(statements.commit);
          return result;
        } catch (error) {
          await sql`rollback`.execute(connection).catch(() => undefined);
          throw error;
        }
      });
    },
  };
}

export type AuditQueries = ReturnType<typeof createAuditQueries>;
