/**
 * The number of accounts, kept in the one-row table `user_count` by triggers (migrations 011 on PostgreSQL,
 * 012 on SQLite): counting a million rows costs 20–100 ms, on every page that answers a total (GeoLens,
 * better-auth's admin list-users). Read through whichever Kysely instance (or transaction) the caller holds.
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "./index.ts";

export async function countUsers(kysely: Kysely<Tables>): Promise<number> {
  const kept = await sql<{ n: string | number }>`select n from user_count where id = 1`.execute(kysely);
  return Number(kept.rows[0]?.n ?? 0);
}
