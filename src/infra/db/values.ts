/** Reading and writing our own tables' dates and booleans the same way on SQLite and PostgreSQL. */
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

export function dateParam(dialect: Dialect, date: Date): Date | string {
  return dialect === "postgres" ? date : date.toISOString();
}

export function boolParam(dialect: Dialect, value: boolean): boolean | number {
  return dialect === "postgres" ? value : value ? 1 : 0;
}
