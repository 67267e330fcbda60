/**
 * Recognises a unique-constraint violation from either driver, and which columns it was on: two requests that
 * create the same e-mail, username or phone number at once both pass the "is it free?" check, and the database's
 * unique index decides. The loser must get the surface's "already exists" answer, not a 500.
 *
 * bun:sqlite: `code` "SQLITE_CONSTRAINT_UNIQUE", message "UNIQUE constraint failed: user.email[, user.x]".
 * pg: `code` "23505", detail "Key (email)=(a@b.c) already exists." (an expression index names the expression,
 * e.g. "Key (lower(username))=…"). A primary-key clash (SQLITE_CONSTRAINT_PRIMARYKEY) is not an identifier
 * taken: it is left to the caller as any other failure.
 */

export interface UniqueViolation {
  /** The columns (or index expressions) named by the driver, lower-cased, e.g. ["email"]. */
  readonly columns: readonly string[];
}

function field(error: unknown, name: string): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const value = (error as Record<string, unknown>)[name];
  return typeof value === "string" ? value : undefined;
}

const SQLITE_COLUMNS = /UNIQUE constraint failed: (.+)$/;
const PG_KEY = /^Key \((.+)\)=\(/;

/** The violation, or null when `error` is something else (also when wrapped once as `cause`). */
export function uniqueViolation(error: unknown): UniqueViolation | null {
  if (field(error, "code") === "SQLITE_CONSTRAINT_UNIQUE") {
    const listed = SQLITE_COLUMNS.exec(field(error, "message") ?? "")?.[1] ?? "";
    // "user.email, user.username": the column after each table name.
    const columns = listed.split(",").map((part) => part.trim().split(".").pop() ?? "");
    return { columns: columns.filter(Boolean).map((column) => column.toLowerCase()) };
  }
  if (field(error, "code") === "23505") {
    const key = PG_KEY.exec(field(error, "detail") ?? "")?.[1] ?? field(error, "constraint") ?? "";
    // A mixed-case column comes quoted: Key ("phoneNumber")=(…).
    return { columns: key.split(",").map((part) => part.trim().replaceAll('"', "").toLowerCase()) };
  }
  const cause =
    typeof error === "object" && error !== null ? (error as { cause?: unknown }).cause : undefined;
  return cause !== undefined && cause !== error ? uniqueViolation(cause) : null;
}

/** Whether the violation is on `column` (or an index expression over it, such as lower(username)). */
export function violatesColumn(violation: UniqueViolation, column: string): boolean {
  const wanted = column.toLowerCase();
  return violation.columns.some((named) => named === wanted || named.includes(`(${wanted})`));
}
