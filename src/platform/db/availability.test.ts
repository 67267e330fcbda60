/**
 * The availability tracker (availability.ts): which errors are outages, and that an outage is logged once when
 * it starts, then at most once a minute with the count of failures not logged, and once when it ends — not per
 * request. The clock is the tracker's `now` option, so no test waits a minute.
 */
import { describe, expect, it } from "bun:test";
import { classifyDatabaseError, createDbAvailability } from "./availability.ts";

const sqliteError = (code: string) => Object.assign(new Error(code), { code });

describe("classifyDatabaseError", () => {
  it("names the outages of SQLite and PostgreSQL, and of the connection to it", () => {
    expect(classifyDatabaseError(sqliteError("SQLITE_FULL"))).toEqual({
      kind: "writes_refused",
      reason: "disk full",
    });
    expect(classifyDatabaseError(sqliteError("SQLITE_READONLY_DBMOVED"))?.reason).toBe("read-only");
    expect(classifyDatabaseError(sqliteError("SQLITE_IOERR_WRITE"))?.reason).toBe("I/O error");
    expect(classifyDatabaseError(sqliteError("SQLITE_CANTOPEN"))?.kind).toBe("unreachable");
    expect(classifyDatabaseError(sqliteError("57P01"))?.reason).toBe("server shutting down");
    expect(classifyDatabaseError(sqliteError("57P03"))?.kind).toBe("unreachable");
    expect(classifyDatabaseError(new Error("Connection terminated unexpectedly"))?.reason).toBe(
      "connection lost",
    );
    expect(classifyDatabaseError(new Error("timeout exceeded when trying to connect"))?.reason).toBe(
      "connection timeout",
    );
    // localhost: both addresses refused, reported together; and a wrapped cause.
    const refused = new AggregateError([sqliteError("ECONNREFUSED"), sqliteError("ECONNREFUSED")], "");
    expect(classifyDatabaseError(refused)?.reason).toBe("connection refused");
    expect(
      classifyDatabaseError(new Error("query failed", { cause: sqliteError("ECONNRESET") }))?.reason,
    ).toBe("connection reset");
  });

  it("leaves errors of the query itself alone", () => {
    expect(classifyDatabaseError(sqliteError("SQLITE_CONSTRAINT_UNIQUE"))).toBeUndefined();
    expect(classifyDatabaseError(sqliteError("23505"))).toBeUndefined();
    expect(classifyDatabaseError(new Error('syntax error at or near "selec"'))).toBeUndefined();
    expect(classifyDatabaseError("not an error")).toBeUndefined();
  });
});

describe("the availability tracker", () => {
  function tracker() {
    let clock = 1_000_000;
    const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
    const logger = {
      warn: (fields: object, message: string) =>
        lines.push({ level: "warn", message, fields: fields as Record<string, unknown> }),
      info: (fields: object, message: string) =>
        lines.push({ level: "info", message, fields: fields as Record<string, unknown> }),
    };
    const availability = createDbAvailability({ logger, now: () => clock });
    return { availability, lines, advance: (ms: number) => (clock += ms) };
  }

  it("logs one warning when an outage starts, a summary at most once a minute and one line when it ends", () => {
    const { availability, lines, advance } = tracker();
    for (let i = 0; i < 50; i++) {
      availability.failed(sqliteError("ECONNREFUSED"));
      advance(100);
    }
    expect(lines.map((l) => l.message)).toEqual(["database unavailable"]);
    advance(60_000);
    availability.failed(sqliteError("ECONNREFUSED"));
    expect(lines.map((l) => l.message)).toEqual(["database unavailable", "database still unavailable"]);
    expect(lines[1]?.fields).toMatchObject({ reason: "connection refused", failures: 51, suppressed: 49 });
    availability.failed(sqliteError("ECONNREFUSED"));
    expect(lines).toHaveLength(2);
    availability.succeeded(false);
    expect(lines[2]).toMatchObject({ level: "info", message: "database available again" });
    expect(availability.current()).toBeUndefined();
    // Once over, the next query's success logs nothing.
    availability.succeeded(false);
    expect(lines).toHaveLength(3);
  });

  it("keeps a refused-writes outage through successful reads and ends it with a successful write", () => {
    const { availability } = tracker();
    availability.failed(sqliteError("SQLITE_FULL"));
    availability.succeeded(false);
    expect(availability.current()).toMatchObject({ kind: "writes_refused", reason: "disk full" });
    availability.succeeded(true);
    expect(availability.current()).toBeUndefined();
  });

  it("ignores errors that are not outages", () => {
    const { availability, lines } = tracker();
    expect(availability.failed(sqliteError("SQLITE_CONSTRAINT_UNIQUE"))).toBeUndefined();
    expect(availability.current()).toBeUndefined();
    expect(lines).toEqual([]);
  });
});
