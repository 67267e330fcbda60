/** Reading and writing our own tables' values, and matching text, the same way on SQLite and PostgreSQL. */
import { type RawBuilder, type SqlBool, sql } from "kysely";
import type { Dialect } from "./index.ts";

export function toDate(value: unknown): Date;
export function toDate(value: unknown, nullable: true): Date | null;
export function toDate(value: unknown, _nullable?: true): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  return new Date(typeof value === "number" ? value : String(value));
}

/** A LIKE pattern's literal part: `%`, `_` and the escape character itself match only themselves. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * `column LIKE pattern` with backslash as the escape character on every dialect: PostgreSQL escapes with it by
 * default, SQLite only when told, so an escaped `_` or `%` would otherwise match nothing there.
 */
export function like(column: string, pattern: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} like ${pattern} escape '\\'`;
}

/** Case-insensitive "contains" on a text column; `text` is matched literally. */
export function containsText(column: string, text: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`lower(${sql.ref(column)}) like ${`%${escapeLike(text.toLowerCase())}%`} escape '\\'`;
}

export function dateParam(dialect: Dialect, date: Date): Date | string {
  return dialect === "postgres" ? date : date.toISOString();
}

export function boolParam(dialect: Dialect, value: boolean): boolean | number {
  return dialect === "postgres" ? value : value ? 1 : 0;
}
