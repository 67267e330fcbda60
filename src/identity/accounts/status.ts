/**
 * The one definition of a user's status, for every API: rendering (view.ts), every list filter (queries.ts) and
 * better-auth's own answers (src/http/better-auth/routes.ts) read it from here, so a user is never listed under
 * one status and rendered with another.
 *
 * - An account is `disabled` while a ban is in force (src/auth/roles.ts isBanActive: no expiry, or an expiry
 *   still ahead) or when its stored status says so; otherwise it is `pending` or `active` as stored.
 * - Seen in a tenant, a suspended membership makes the user `disabled` there, whatever the account is.
 * - `active` (the boolean of every API) means exactly status === "active": a pending user is not active.
 */
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from "kysely";
import { isBanActive } from "../../auth/roles.ts";
import type { Dialect } from "../../platform/db/index.ts";
import { boolParam, dateParam } from "../../platform/db/values.ts";

export const USER_STATUSES = ["active", "pending", "disabled"] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** A membership is `active` or `suspended` (by the tenant, in that tenant only). */
export const MEMBER_STATUSES = ["active", "suspended"] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export function accountStatus(row: { banned?: unknown; banExpires?: unknown; status?: unknown }): UserStatus {
  if (isBanActive(row)) return "disabled";
  return row.status === "pending" || row.status === "disabled" ? row.status : "active";
}

export function memberStatus(value: unknown): MemberStatus {
  return value === "suspended" ? "suspended" : "active";
}

/** The status of a user as one tenant sees it. */
export function statusInTenant(account: UserStatus, membership: MemberStatus): UserStatus {
  return membership === "suspended" ? "disabled" : account;
}

export function isActive(status: UserStatus): boolean {
  return status === "active";
}

// biome-ignore lint/suspicious/noExplicitAny: the builders work on any query that joins the user table.
type Eb = ExpressionBuilder<any, any>;

/** SQL twin of isBanActive, on the user columns `<prefix>banned` and `<prefix>banExpires`. */
function banActive(eb: Eb, dialect: Dialect, prefix: string): Expression<SqlBool> {
  const now = dateParam(dialect, new Date());
  // `is not null` first: NOT over a NULL comparison would be NULL, and a NULL `banned` means "not banned".
  return eb.and([
    eb(`${prefix}banned`, "is not", null),
    eb(`${prefix}banned`, "=", boolParam(dialect, true)),
    eb.or([eb(`${prefix}banExpires`, "is", null), eb(`${prefix}banExpires`, ">", now)]),
  ]);
}

/**
 * SQL twin of accountStatus (and of statusInTenant when `memberStatusColumn` is given): the rows whose status
 * is `status`. `prefix` is the user table's alias with its dot ("u.") or "".
 */
export function whereStatus(
  eb: Eb,
  dialect: Dialect,
  status: UserStatus,
  options: { prefix?: string; memberStatusColumn?: string } = {},
): Expression<SqlBool> {
  const prefix = options.prefix ?? "";
  const stored = `${prefix}status`;
  const suspended = options.memberStatusColumn
    ? eb(options.memberStatusColumn, "=", "suspended")
    : sql<SqlBool>`1 = 0`;
  const notSuspended = options.memberStatusColumn
    ? eb.or([eb(options.memberStatusColumn, "is", null), eb(options.memberStatusColumn, "!=", "suspended")])
    : sql<SqlBool>`1 = 1`;
  if (status === "disabled")
    return eb.or([suspended, banActive(eb, dialect, prefix), eb(stored, "=", "disabled")]);
  const notBanned = eb.not(banActive(eb, dialect, prefix));
  if (status === "pending") return eb.and([notSuspended, notBanned, eb(stored, "=", "pending")]);
  return eb.and([
    notSuspended,
    notBanned,
    eb.or([eb(stored, "is", null), eb(stored, "not in", ["pending", "disabled"])]),
  ]);
}
