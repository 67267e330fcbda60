/**
 * The one database connection of a Gatehouse process: a Kysely instance shared by better-auth and our own
 * queries. SQLite (bun:sqlite, WAL) by default; PostgreSQL through a `pg` pool when DATABASE_URL is set.
 */
import { Database as SqliteDatabase } from "bun:sqlite";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname, join } from "node:path";
import { createKyselyAdapter } from "@better-auth/kysely-adapter";
import { Kysely, PostgresDialect, sql } from "kysely";
import type { Config } from "../../config.ts";
import { type AvailabilityOptions, createDbAvailability, type DbAvailability } from "./availability.ts";
import { observedDialect, observedSqlite } from "./observed-driver.ts";
import { DatabaseStartupError, pgStartupError, sqliteStartupError } from "./startup-error.ts";

export { DatabaseStartupError } from "./startup-error.ts";

export type Dialect = "sqlite" | "postgres";

export interface Db {
  readonly kysely: Kysely<Tables>;
  readonly dialect: Dialect;
  /** Whether the database serves right now, as its queries found (availability.ts). */
  readonly availability: DbAvailability;
  /** One round trip to the database, for health checks. */
  ping(): Promise<void>;
  /** Connection pool use, where the driver pools connections (PostgreSQL). */
  poolStats?(): { total: number; idle: number; waiting: number; max: number };
  /**
   * SQLite only: runs a read on the connection at once, past Kysely's driver and its connection lock, or answers
   * undefined while a transaction is open on the connection (any caller's: its uncommitted writes must not be
   * read by another request), for the caller to go through Kysely (prepared.ts).
   */
  readonly readNow?: (sql: string, parameters: readonly unknown[]) => unknown[] | undefined;
  close(): Promise<void>;
}

/** Our own tables; better-auth's are reached through its adapter, not typed here. */
// biome-ignore lint/suspicious/noExplicitAny: table rows are typed per query in each module's queries.ts
export type Tables = Record<string, any>;

// A busy writer (another request's transaction) should make SQLite wait, not fail with SQLITE_BUSY.
const SQLITE_BUSY_TIMEOUT_MS = 5000;
// The database holds password hashes, session and reset tokens: readable by the server's user only. DATA_DIR
// is made private when Gatehouse creates it (an existing directory is the operator's to set).
const PRIVATE_DIR_MODE = 0o700;
const PRIVATE_FILE_MODE = 0o600;

// Enough connections for 2 cores of request handling plus migrations, small enough to share a server.
const PG_POOL_SIZE = 10;
// A request waits this long for a connection before it is answered 503: a stopped server refuses at once, but
// a host that drops packets would otherwise hold every request (pg's default is to wait forever).
const PG_CONNECT_TIMEOUT_MS = 5000;

/**
 * Opens the database; a database that cannot be opened at start-up throws DatabaseStartupError, whose message
 * names the path (or host:port, never the password) and the reason in one line (src/index.ts prints it).
 */
export async function createDb(
  config: Pick<Config, "databaseUrl" | "databaseSchema" | "dataDir"> &
    Partial<Pick<Config, "sqliteSynchronous">>,
  options: Pick<AvailabilityOptions, "logger"> = {},
): Promise<Db> {
  const availability = createDbAvailability(options);
  if (config.databaseUrl) return createPostgres(config.databaseUrl, config.databaseSchema, availability);
  const file = join(config.dataDir, "gatehouse.sqlite");
  try {
    return await createSqlite(file, availability, config.sqliteSynchronous ?? "normal");
  } catch (error) {
    throw sqliteStartupError(file, error);
  }
}

/** Creates the database file (and its directory) private before SQLite opens it; tightens an existing file. */
function preparePrivateFile(file: string): void {
  const dir = dirname(file);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (!existsSync(file)) closeSync(openSync(file, "a", PRIVATE_FILE_MODE));
  // SQLite gives its -wal and -shm files the database file's mode.
  chmodSync(file, PRIVATE_FILE_MODE);
}

async function createSqlite(
  file: string,
  availability: DbAvailability,
  synchronous: Config["sqliteSynchronous"],
): Promise<Db> {
  preparePrivateFile(file);
  const database = new SqliteDatabase(file, { create: true, strict: true });
  try {
    database.exec("PRAGMA journal_mode = WAL");
    // bun:sqlite runs on the event loop: with `full`, every commit (two per sign-in) holds the whole process for
    // an fsync, which capped sign-in at ~10/s on a busy disk whatever the concurrency. With WAL, `normal` still
    // never corrupts the file; a power loss (not a crash of the process) may undo the commits since the last
    // checkpoint. SQLITE_SYNCHRONOUS=full keeps the old behaviour.
    database.exec(`PRAGMA synchronous = ${synchronous === "full" ? "FULL" : "NORMAL"}`);
    database.exec(`PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    database.exec("PRAGMA foreign_keys = ON");
    // SQLite opens a file it may not write read-only without a word; take the write lock once to find out now
    // rather than at the first sign-up.
    database.exec("BEGIN IMMEDIATE");
    database.exec("ROLLBACK");
  } catch (error) {
    database.close();
    throw error;
  }
  const observed = observedSqlite(database, availability);
  // better-auth's own bun:sqlite dialect, so that its adapter and our queries see identical value conversions.
  const { kysely } = await createKyselyAdapter({ database: observed });
  if (!kysely) throw new Error("bun:sqlite was not recognised by the Kysely adapter");
  return {
    kysely: kysely as Kysely<Tables>,
    dialect: "sqlite",
    availability,
    // On the observed file itself, past Kysely and its connection lock: GET /health asks on every call, and the
    // answer is the same (a closed or unreadable file throws; a full disk shows in availability, not here).
    ping: async () => {
      observed.query("select 1").get();
    },
    // Synchronous, so nothing can begin a transaction between the check and the read.
    readNow: (query, parameters) =>
      database.inTransaction ? undefined : (observed.prepare(query).all(...(parameters as [])) as unknown[]),
    close: () => kysely.destroy(),
  };
}

async function createPostgres(
  url: string,
  schema: string | undefined,
  availability: DbAvailability,
): Promise<Db> {
  try {
    return await connectPostgres(url, schema, availability);
  } catch (error) {
    throw error instanceof DatabaseStartupError ? error : pgStartupError(url, error);
  }
}

async function connectPostgres(
  url: string,
  schema: string | undefined,
  availability: DbAvailability,
): Promise<Db> {
  // Loaded here, not at the top: a SQLite node never needs the driver (~11 MB resident, src/authz/lazy.test.ts).
  const { default: pg } = await import("pg");
  if (schema) {
    // Create the schema with a one-off connection before the pool pins search_path to it.
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS });
    // A refused connection must not leave an error event without a listener behind.
    client.on("error", () => {});
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } catch (error) {
      // Two nodes creating the schema at once: IF NOT EXISTS does not stop the loser's unique violation.
      const exists = await client.query("select 1 from pg_namespace where nspname = $1", [schema]);
      if (exists.rowCount === 0) throw error;
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: PG_POOL_SIZE,
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    ...(schema ? { options: `-c search_path="${schema}"` } : {}),
  });
  // An idle client that loses its server must not crash the process; the pool replaces it.
  pool.on("error", () => {});
  // A checked-out client that loses its server (a restart: 57P01, ECONNRESET) emits the error on itself, not on
  // the pool, and an EventEmitter error without a listener is thrown: the process would exit. Its next query
  // fails instead, and the pool discards the broken client when it is released (connection-loss.test.ts).
  pool.on("connect", (client) => client.on("error", () => {}));
  const kysely = new Kysely<Tables>({
    dialect: observedDialect(new PostgresDialect({ pool }), availability),
  });
  try {
    // Straight to the pool: a server away at start-up is the start-up error's to report, not an outage to log.
    await pool.query("select 1");
  } catch (error) {
    await kysely.destroy().catch(() => {});
    throw error;
  }
  return {
    kysely,
    dialect: "postgres",
    availability,
    ping: async () => {
      await sql`select 1`.execute(kysely);
    },
    poolStats: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: PG_POOL_SIZE,
    }),
    close: () => kysely.destroy(),
  };
}
