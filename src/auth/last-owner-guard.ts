/**
 * The last owner of a tenant and the last active platform admin hold under concurrency (issue 11 item 4).
 *
 * Checking "is there another owner?" and then writing is two steps: two owners demoted at once both pass the
 * check and the tenant is left with none. So every write that can end an owner's ownership (a role change, a
 * suspension, a removal, the deletion of the account) or an admin's standing (role, ban, status, deletion) runs
 * here as one transaction: it locks the tenants (and the admin set) it touches — a transaction-scoped advisory
 * lock on PostgreSQL; on SQLite the one connection is held for the whole transaction — writes, counts again, and
 * rolls back with LastHolderError when the write left a tenant that had an active owner without one, or the
 * platform without an active admin. The second of two racing writers waits for the first to commit and then
 * counts what it committed.
 *
 * better-auth's own routes (organization update-member-role, remove-member, leave; admin set-role, ban-user,
 * remove-user; delete-user) write through its database adapter, so the adapter is wrapped (guardedDatabase):
 * those writes go through the same guard, and a refusal reaches the client as an APIError in better-auth's shape.
 */
import { kyselyAdapter } from "@better-auth/kysely-adapter";
import type { BetterAuthOptions, BetterAuthPlugin } from "better-auth";
import { APIError } from "better-auth/api";
import { type Kysely, sql, type Transaction } from "kysely";
import type { Db, Dialect, Tables } from "../platform/db/index.ts";
import { isBanActive, isPlatformAdminRoles, parseRoles } from "./roles.ts";

export type Holder = "owner" | "admin";

/** A write refused because it would leave a tenant without an owner or the platform without an admin. */
export class LastHolderError extends Error {
  constructor(readonly holder: Holder) {
    super(
      holder === "owner"
        ? "A tenant must keep at least one owner"
        : "The last active admin cannot be removed",
    );
    this.name = "LastHolderError";
  }
}

/** better-auth's shape of the refusal, in the codes its routes use for the same rule. */
export const LAST_HOLDER_ERROR_CODES = {
  // better-auth's own code for a member change that would leave the organization without an owner.
  YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER: {
    code: "YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER",
    message: "You cannot leave the organization without an owner",
  },
  LAST_ADMIN: { code: "LAST_ADMIN", message: "The last active admin cannot be removed" },
} as const;

export function toApiError(error: LastHolderError): APIError {
  return APIError.from(
    "BAD_REQUEST",
    error.holder === "owner"
      ? LAST_HOLDER_ERROR_CODES.YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER
      : LAST_HOLDER_ERROR_CODES.LAST_ADMIN,
  );
}

/** Which holder a refusal is about, whether it comes as LastHolderError or as better-auth's APIError. */
export function lastHolderRefusal(error: unknown): Holder | null {
  if (error instanceof LastHolderError) return error.holder;
  const code = (error as { body?: { code?: unknown } } | null)?.body?.code;
  if (code === LAST_HOLDER_ERROR_CODES.LAST_ADMIN.code) return "admin";
  if (code === LAST_HOLDER_ERROR_CODES.YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER.code)
    return "owner";
  return null;
}

type Executor = Kysely<Tables> | Transaction<Tables>;

/** What a guarded write may change: the tenants whose owners it touches, and whether it touches admins. */
export interface GuardScope {
  readonly tenantIds: readonly string[];
  readonly admins: boolean;
  /**
   * The tenants being deleted as a whole (every member removed before the tenant row): they may end without an
   * owner, since they end without anyone.
   */
  readonly dissolving?: readonly string[];
}

/**
 * The first cut of the rows that may hold `owner` (in member) or `admin` (in user): a literal LIKE, not a bound
 * value, because it is the predicate of the partial indexes of migration 013 (src/platform/db/migrations.ts),
 * which SQLite and PostgreSQL use only for a query that repeats it. So a check reads a tenant's few owners, not
 * its every member (a million in `default`), and the few admins, not every account. Only a first cut: SQLite's
 * LIKE ignores case and a role's name may contain the word, so each row is confirmed with parseRoles.
 */
export const MAY_HOLD_OWNER = sql<boolean>`"role" like '%owner%'`;
export const MAY_HOLD_ADMIN = sql<boolean>`"role" like '%admin%'`;

/** The two reads of the checks, as queries: src/auth/last-owner-guard.test.ts checks that each uses its index. */
export const holderQueries = {
  owners: (db: Executor, tenantId: string) =>
    db
      .selectFrom("member")
      .select(["role", "status"])
      .where("organizationId", "=", tenantId)
      .where(MAY_HOLD_OWNER),
  admins: (db: Executor) =>
    db.selectFrom("user").select(["role", "banned", "banExpires", "status"]).where(MAY_HOLD_ADMIN),
};

/** The memberships of the tenant whose roles include `owner`, whatever their status. */
export async function ownerMemberships(
  db: Executor,
  tenantId: string,
): Promise<{ role: string; status: string | null }[]> {
  const rows = await holderQueries.owners(db, tenantId).execute();
  return rows
    .map((row) => ({ role: String(row.role), status: row.status === null ? null : String(row.status) }))
    .filter((row) => parseRoles(row.role).includes("owner"));
}

/** Owners of the tenant whose membership is not suspended. */
export async function activeOwners(db: Executor, tenantId: string): Promise<number> {
  return (await ownerMemberships(db, tenantId)).filter((row) => row.status !== "suspended").length;
}

/**
 * The platform's active admins: the account service's "active platform admin" (src/identity/accounts/status.ts
 * accountStatus: admin role, no ban in force, not disabled), counted here and by the account service alike.
 */
export async function activeAdmins(db: Executor): Promise<number> {
  const rows = await holderQueries.admins(db).execute();
  return rows.filter(
    (row) => isPlatformAdminRoles(parseRoles(row.role)) && !isBanActive(row) && row.status !== "disabled",
  ).length;
}

async function lock(db: Executor, dialect: Dialect, scope: GuardScope): Promise<void> {
  // SQLite: the transaction holds the only connection, so no other write interleaves.
  if (dialect !== "postgres") return;
  // Sorted, so two writers touching the same tenants take their locks in one order and cannot deadlock.
  const keys = [...new Set(scope.tenantIds)].map((id) => `gatehouse:owners:${id}`).sort();
  if (scope.admins) keys.push("gatehouse:admins");
  for (const key of keys) await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(db);
}

/**
 * Runs `write` inside `db` (a transaction: the caller's, or one opened here) with the scope locked, and undoes
 * it with LastHolderError when it left a tenant that had an active owner without one, or the platform that had
 * an active admin without one.
 */
export async function guardedWrite<T>(
  db: Executor,
  dialect: Dialect,
  scope: (db: Executor) => Promise<GuardScope>,
  write: (db: Executor) => Promise<T>,
): Promise<T> {
  const run = async (trx: Executor) => {
    const found = await scope(trx);
    await lock(trx, dialect, found);
    const dissolving = new Set(found.dissolving ?? []);
    const owned: string[] = [];
    for (const id of new Set(found.tenantIds)) {
      if (!dissolving.has(id) && (await activeOwners(trx, id)) > 0) owned.push(id);
    }
    const admins = found.admins ? await activeAdmins(trx) : 0;
    const result = await write(trx);
    for (const id of owned) if ((await activeOwners(trx, id)) === 0) throw new LastHolderError("owner");
    if (admins > 0 && (await activeAdmins(trx)) === 0) throw new LastHolderError("admin");
    return result;
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/** The tenants of these memberships / of these users' memberships, read in the caller's transaction. */
export async function tenantsOfMembers(db: Executor, memberIds: readonly string[]): Promise<string[]> {
  if (memberIds.length === 0) return [];
  const rows = await db.selectFrom("member").select("organizationId").where("id", "in", memberIds).execute();
  return rows.map((row) => String(row.organizationId));
}

export async function tenantsOfUsers(db: Executor, userIds: readonly string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await db
    .selectFrom("member")
    .select("organizationId")
    .where("userId", "in", userIds)
    .execute();
  return rows.map((row) => String(row.organizationId));
}

/**
 * Of `tenantIds`, those whose every member is one of `userIds`: deleting those accounts leaves the tenant empty
 * rather than ownerless (an account that founded a tenant alone can still be deleted).
 */
export async function onlyTheirs(
  db: Executor,
  tenantIds: readonly string[],
  userIds: readonly string[],
): Promise<string[]> {
  if (tenantIds.length === 0 || userIds.length === 0) return [];
  const others = await db
    .selectFrom("member")
    .select("organizationId")
    .where("organizationId", "in", tenantIds)
    .where("userId", "not in", userIds)
    .execute();
  const kept = new Set(others.map((row) => String(row.organizationId)));
  return tenantIds.filter((id) => !kept.has(id));
}

// ---- better-auth's adapter, guarded ----

type Adapter = ReturnType<ReturnType<typeof kyselyAdapter>>;
type Where = NonNullable<Parameters<Adapter["findMany"]>[0]["where"]>;
/** Fields of a user whose change can end an admin's standing. */
const ADMIN_FIELDS = ["role", "banned", "banExpires", "status"];

/** A delete of every member of one tenant, as better-auth's deleteOrganization does before deleting the tenant. */
function wholeTenant(where: Where | undefined): string | null {
  if (where?.length !== 1) return null;
  const [only] = where;
  const operator = only?.operator ?? "eq";
  return only?.field === "organizationId" && operator === "eq" && typeof only.value === "string"
    ? only.value
    : null;
}

/** The user of a where-clause that is exactly `userId = <id>`. */
function soleUserId(where: Where | undefined): string | null {
  if (where?.length !== 1) return null;
  const [only] = where;
  return only?.field === "userId" && (only.operator ?? "eq") === "eq" && typeof only.value === "string"
    ? only.value
    : null;
}

/**
 * Wraps the adapter's member and user writes (in place, so that better-auth's registrations on the instance,
 * such as its schema check, stay) with guardedWrite. `unguarded` gives the plain adapter over a transaction, for
 * the guarded write's own reads and its write.
 */
function guard(
  adapter: Adapter,
  db: Executor,
  dialect: Dialect,
  unguarded: (trx: Executor) => Adapter,
): Adapter {
  const ids = async (trx: Executor, model: string, where: Where | undefined) =>
    (await unguarded(trx).findMany<{ id: string }>({ model, where: where ?? [], select: ["id"] })).map(
      (row) => String(row.id),
    );
  const scopeOf =
    (model: string, where: Where | undefined, update?: Record<string, unknown>) =>
    async (trx: Executor): Promise<GuardScope> => {
      if (model === "member") {
        const whole = update ? null : wholeTenant(where);
        return {
          tenantIds: whole ? [whole] : await tenantsOfMembers(trx, await ids(trx, model, where)),
          admins: false,
          ...(whole ? { dissolving: [whole] } : {}),
        };
      }
      const admins = !update || ADMIN_FIELDS.some((field) => field in update);
      // A user's row changes; its memberships end (by cascade) only when the user is deleted.
      const userIds = await ids(trx, model, where);
      if (update) return { tenantIds: [], admins };
      const tenantIds = await tenantsOfUsers(trx, userIds);
      return { tenantIds, admins, dissolving: await onlyTheirs(trx, tenantIds, userIds) };
    };
  const guarded = (model: string, update?: Record<string, unknown>) =>
    model === "member" || (model === "user" && (!update || ADMIN_FIELDS.some((field) => field in update)));
  const run = async <T>(
    model: string,
    where: Where | undefined,
    update: Record<string, unknown> | undefined,
    write: (bound: Adapter) => Promise<T>,
  ): Promise<T> => {
    try {
      return await guardedWrite(db, dialect, scopeOf(model, where, update), (trx) => write(unguarded(trx)));
    } catch (error) {
      if (error instanceof LastHolderError) throw toApiError(error);
      throw error;
    }
  };
  const { update, updateMany, delete: remove, deleteMany } = adapter;
  adapter.update = (input) =>
    guarded(input.model, input.update as Record<string, unknown>)
      ? run(input.model, input.where, input.update as Record<string, unknown>, (bound) => bound.update(input))
      : update(input);
  adapter.updateMany = (input) =>
    guarded(input.model, input.update as Record<string, unknown>)
      ? run(input.model, input.where, input.update as Record<string, unknown>, (bound) =>
          bound.updateMany(input),
        )
      : updateMany(input);
  adapter.delete = (input) =>
    guarded(input.model)
      ? run(input.model, input.where, undefined, (bound) => bound.delete(input))
      : remove(input);
  adapter.deleteMany = (input) => {
    const owner = input.model === "account" ? soleUserId(input.where) : null;
    // better-auth deletes an account (internalAdapter.deleteUser) in three steps: sessions, credentials, the
    // user row. Refused at the last, it would leave an account without a password. So its first destructive
    // step for the credentials deletes the user row itself, guarded, and the credentials go with it by cascade;
    // the later steps find nothing left to delete.
    if (owner) {
      const where = [{ field: "id", value: owner }];
      return run("user", where, undefined, (bound) => bound.delete({ model: "user", where })).then(() => 0);
    }
    return guarded(input.model)
      ? run(input.model, input.where, undefined, (bound) => bound.deleteMany(input))
      : deleteMany(input);
  };
  return adapter;
}

/**
 * better-auth's `database` option: its Kysely adapter over the app's connection, with guarded member and user
 * writes. With `transaction`, better-auth's transactions run on the same connection and their adapters are
 * guarded too (a guarded write inside one joins it rather than opening a second).
 */
export function guardedDatabase(db: Db, options: { transaction?: boolean } = {}) {
  const config = { type: db.dialect, transaction: options.transaction ?? false } as const;
  return (authOptions: BetterAuthOptions): Adapter => {
    const unguarded = (trx: Executor) =>
      kyselyAdapter(trx as Kysely<Tables>, { type: db.dialect, transaction: false })(authOptions);
    const adapter = guard(kyselyAdapter(db.kysely, config)(authOptions), db.kysely, db.dialect, unguarded);
    if (config.transaction) {
      adapter.transaction = (callback) =>
        db.kysely.transaction().execute((trx) => callback(guard(unguarded(trx), trx, db.dialect, unguarded)));
    }
    return adapter;
  };
}

/** The guard's codes in `auth.$ERROR_CODES`, so that the i18n catalogue (src/i18n/catalogue.test.ts) sees them. */
export function lastHolderCodesPlugin() {
  return { id: "gatehouse-last-holder", $ERROR_CODES: LAST_HOLDER_ERROR_CODES } satisfies BetterAuthPlugin;
}
