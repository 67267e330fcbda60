/**
 * Every query of the process — better-auth's through its adapter and ours — reports its outcome to the node's
 * DbAvailability (availability.ts). Errors are passed on unchanged: callers that look at a unique violation's
 * code still see it. Kysely plugins see only successful results, so the observation sits in the driver:
 * - PostgreSQL: the Kysely dialect's driver is wrapped (acquiring a connection fails when the server is away;
 *   its queries fail when it goes away).
 * - SQLite: better-auth builds its own Kysely dialect over a bun:sqlite Database (src/platform/db/index.ts), so
 *   the Database it is given is observed instead (its statements' runs are where SQLITE_FULL arrives).
 */
import type { Database as SqliteDatabase, Statement } from "bun:sqlite";
import type { CompiledQuery, DatabaseConnection, Dialect, Driver } from "kysely";
import type { DbAvailability } from "./availability.ts";

const WRITE_NODES = new Set(["InsertQueryNode", "UpdateQueryNode", "DeleteQueryNode", "MergeQueryNode"]);
const WRITE_SQL = /^\s*(insert|update|delete|replace|merge|commit|create|alter|drop)\b/i;

function isWrite(query: CompiledQuery): boolean {
  return WRITE_NODES.has(query.query.kind) || WRITE_SQL.test(query.sql);
}

async function observe<T>(availability: DbAvailability, run: () => Promise<T>, write: boolean): Promise<T> {
  try {
    const result = await run();
    availability.succeeded(write);
    return result;
  } catch (error) {
    availability.failed(error);
    throw error;
  }
}

/**
 * The connection with its queries observed; everything else (pg's private release method included) is the
 * connection's own, so the driver can release what it handed out.
 */
function observedConnection(
  connection: DatabaseConnection,
  availability: DbAvailability,
): DatabaseConnection {
  return new Proxy(connection, {
    get(target, property) {
      if (property === "executeQuery") {
        return (query: CompiledQuery) =>
          observe(availability, () => target.executeQuery(query), isWrite(query));
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

export function observedDialect(dialect: Dialect, availability: DbAvailability): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => observedDriver(dialect.createDriver(), availability),
  };
}

function observedDriver(driver: Driver, availability: DbAvailability): Driver {
  // Kysely hands back the connection it was given: the wrapper, whose other members are the original's.
  return new Proxy(driver, {
    get(target, property) {
      if (property === "acquireConnection") {
        return async () => {
          try {
            return observedConnection(await target.acquireConnection(), availability);
          } catch (error) {
            availability.failed(error);
            throw error;
          }
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

type Run = (...parameters: unknown[]) => unknown;

const RUNS = ["run", "all", "get", "values"] as const;

/** A statement whose runs are observed (a SQLite error arrives synchronously, from `run` or `all`). */
function observedStatement(statement: Statement, sql: string, availability: DbAvailability): Statement {
  const write = WRITE_SQL.test(sql);
  // Made once per statement, since a cached statement is run many times.
  const runs = new Map<PropertyKey, Run>();
  for (const name of RUNS) {
    const run = statement[name] as Run;
    runs.set(name, (...parameters: unknown[]) => {
      try {
        const result = run.apply(statement, parameters);
        availability.succeeded(write);
        return result;
      } catch (error) {
        availability.failed(error);
        throw error;
      }
    });
  }
  // better-auth's dialect reads `columnNames` before every run, only to tell a read (some columns) from a write
  // (none), which a statement never changes; bun:sqlite builds a new array on each read, so the first is kept.
  // (After a schema change SQLite re-prepares a `select *` with the new columns; the kept names may then be
  // out of date, never whether there are any.)
  let columnNames: string[] | undefined;
  return new Proxy(statement, {
    get(target, property) {
      const observed = runs.get(property);
      if (observed) return observed;
      if (property === "columnNames") {
        columnNames ??= target.columnNames;
        return columnNames;
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * Statements kept prepared, by SQL text. better-auth's dialect prepares every query anew (a third of a simple
 * query's time); the texts are few (Kysely passes values as parameters), the cap bounds what varying `in (…)`
 * lists or bulk-insert sizes could add. Reuse is safe: bun:sqlite resets a statement on each run, runs are
 * synchronous on the one connection, and SQLite re-prepares a statement itself after a schema change.
 */
const MAX_CACHED_STATEMENTS = 500;

/** The Database with the statements it prepares observed; better-auth's adapter still recognises it. */
export function observedSqlite(database: SqliteDatabase, availability: DbAvailability): SqliteDatabase {
  const prepared = new Map<string, Statement>();
  const prepare = (sql: string): Statement => {
    const cached = prepared.get(sql);
    if (cached) return cached;
    const statement = observedStatement(database.prepare(sql), sql, availability);
    if (prepared.size >= MAX_CACHED_STATEMENTS) prepared.clear();
    prepared.set(sql, statement);
    return statement;
  };
  const observedPrepare = (sql: string, ...rest: unknown[]): Statement => {
    try {
      return rest.length === 0
        ? prepare(sql)
        : observedStatement(database.prepare(sql, ...(rest as [])), sql, availability);
    } catch (error) {
      availability.failed(error);
      throw error;
    }
  };
  return new Proxy(database, {
    get(target, property) {
      if (property === "prepare" || property === "query") return observedPrepare;
      if (property === "close") prepared.clear();
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
