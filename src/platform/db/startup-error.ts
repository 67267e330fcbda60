/**
 * A database that cannot be opened at start-up stops the process with one line an operator can act on: the
 * path (SQLite) or host:port (PostgreSQL; the URL's password is never shown) and the reason — not SQLite's
 * "unable to open database file" and a stack.
 */
import { classifyDatabaseError } from "./availability.ts";

export class DatabaseStartupError extends Error {
  override name = "DatabaseStartupError";
}

/** Node's file-system error codes, in an operator's words. */
const FILE_REASONS: Readonly<Record<string, string>> = {
  EROFS: "the file system is read-only",
  EACCES: "permission denied",
  EPERM: "permission denied (the file or its directory is protected)",
  ENOTDIR: "a part of the path is not a directory",
  EISDIR: "the path is a directory",
  ENOSPC: "disk full",
  ENOENT: "a part of the path does not exist",
  ELOOP: "too many symbolic links in the path",
};

const SQLITE_REASONS: readonly (readonly [string, string])[] = [
  ["SQLITE_READONLY", "the database is read-only (file or directory not writable)"],
  ["SQLITE_CANTOPEN", "the file cannot be opened (directory missing, not writable or not a directory)"],
  ["SQLITE_FULL", "disk full"],
  ["SQLITE_IOERR", "I/O error"],
  ["SQLITE_NOTADB", "the file is not a SQLite database"],
  ["SQLITE_CORRUPT", "the database file is corrupt"],
  ["SQLITE_PERM", "permission denied"],
];

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0] ?? text;
}

export function sqliteStartupError(file: string, error: unknown): DatabaseStartupError {
  const code = codeOf(error) ?? "";
  const reason =
    FILE_REASONS[code] ?? SQLITE_REASONS.find(([prefix]) => code.startsWith(prefix))?.[1] ?? firstLine(error);
  return new DatabaseStartupError(`cannot open the database at ${file}: ${reason}`);
}

/** host:port of a PostgreSQL URL, without user or password. */
function endpoint(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || "localhost"}:${parsed.port || "5432"}`;
  } catch {
    return "the configured DATABASE_URL";
  }
}

export function pgStartupError(url: string, error: unknown): DatabaseStartupError {
  const reason = classifyDatabaseError(error)?.reason ?? firstLine(error);
  // A driver message may quote the URL it was given; the password must not reach the log.
  const password = (() => {
    try {
      return decodeURIComponent(new URL(url).password);
    } catch {
      return "";
    }
  })();
  const safe = password ? reason.replaceAll(password, "***") : reason;
  return new DatabaseStartupError(`cannot reach PostgreSQL at ${endpoint(url)}: ${safe}`);
}
