/**
 * Platform-wide account operations of the canonical users service, for the platform-admin dialects (GeoLens,
 * Hasura): accounts identified by e-mail, username or phone, global roles, activation. Every account also
 * belongs to the `default` tenant, so it is visible through /v1/users as well.
 */
import type { Auth } from "../../auth/index.ts";
import type { Db } from "../../platform/db/index.ts";
import { containsText } from "../../platform/db/values.ts";
import type { TenantService } from "../tenants/service.ts";
import { DEFAULT_TENANT_SLUG } from "../tenants/service.ts";
import { AccountErrors } from "./errors.ts";
import { placeholderEmail, toUserView, type UserStatus, type UserView } from "./view.ts";

export interface AccountView extends UserView {
  /** Stable integer id (Hasura's `hasura_id`). */
  readonly numericId: number;
}

export interface NewAccount {
  readonly email?: string | null;
  readonly username?: string | null;
  /** E.164, e.g. +919999999999. */
  readonly phoneNumber?: string | null;
  readonly password?: string;
  readonly name?: string;
  readonly globalRoles: readonly string[];
  readonly active: boolean;
  readonly emailVerified?: boolean;
  readonly phoneNumberVerified?: boolean;
}

export interface AccountChanges {
  readonly email?: string | null;
  readonly active?: boolean;
  readonly status?: "active" | "pending" | "disabled";
  readonly globalRoles?: readonly string[];
  readonly password?: string;
}

export type AccountKey =
  | { readonly id: string }
  | { readonly numericId: number }
  | { readonly email: string }
  | { readonly username: string }
  | { readonly phoneNumber: string };

export interface AccountListQuery {
  readonly skip: number;
  readonly limit: number;
  readonly status?: "active" | "pending" | "disabled";
  readonly search?: string;
  readonly sort?: "created_at" | "username" | "email" | "last_login_at";
  readonly order?: "asc" | "desc";
}

/** Why an account cannot be created; each dialect renders these in its own words. */
export { AccountErrors };

const SORT_COLUMNS = {
  created_at: "createdAt",
  username: "username",
  email: "email",
  last_login_at: "lastLoginAt",
} as const;

function toAccount(row: Record<string, unknown>): AccountView {
  return { ...toUserView(row), numericId: Number(row.numericId) };
}

/**
 * Activation is account-wide and the same whichever API asks: an inactive account is banned (better-auth then
 * refuses its sign-ins) and signed out everywhere at once.
 */
export async function setAccountActive(
  auth: Auth,
  id: string,
  active: boolean,
  status?: UserStatus,
): Promise<void> {
  const ctx = await auth.$context;
  if (active) {
    await ctx.internalAdapter.updateUser(id, {
      banned: false,
      banReason: null,
      banExpires: null,
      status: status ?? "active",
    });
    return;
  }
  await ctx.internalAdapter.updateUser(id, {
    banned: true,
    banReason: "deactivated",
    status: status ?? "disabled",
  });
  await ctx.internalAdapter.deleteUserSessions(id);
}

export function createAccountService(deps: { auth: Auth; db: Db; tenants: TenantService }) {
  const { auth, db, tenants } = deps;
  const context = () => auth.$context;
  const users = () => db.kysely.selectFrom("user").selectAll();

  async function find(key: AccountKey): Promise<AccountView | null> {
    let query = users();
    if ("id" in key) query = query.where("id", "=", key.id);
    else if ("numericId" in key) query = query.where("numericId", "=", key.numericId);
    else if ("email" in key)
      query = query.where((eb) => eb(eb.fn("lower", ["email"]), "=", key.email.toLowerCase()));
    else if ("username" in key) query = query.where("username", "=", key.username.toLowerCase());
    else query = query.where("phoneNumber", "=", key.phoneNumber);
    const row = await query.executeTakeFirst();
    return row ? toAccount(row) : null;
  }

  async function get(id: string): Promise<AccountView> {
    const account = await find({ id });
    if (!account) throw AccountErrors.notFound();
    return account;
  }

  const setActive = (id: string, active: boolean, status?: UserStatus) =>
    setAccountActive(auth, id, active, status);

  return {
    find,
    get,

    async create(input: NewAccount): Promise<AccountView> {
      const email = input.email?.trim().toLowerCase() || null;
      const username = input.username?.trim() || null;
      const assertFree = async () => {
        if (email && (await find({ email }))) throw AccountErrors.emailTaken();
        if (username && (await find({ username }))) throw AccountErrors.usernameTaken();
        if (input.phoneNumber && (await find({ phoneNumber: input.phoneNumber })))
          throw AccountErrors.phoneTaken();
      };
      await assertFree();
      const created = await auth.api
        .createUser({
          body: {
            // better-auth requires an e-mail: a reserved placeholder stands in (rendered as null, never mailed).
            email: email ?? placeholderEmail(crypto.randomUUID()),
            name: input.name ?? username ?? "",
            // Global roles are open-ended (dialects bring their own, e.g. editor, viewer); better-auth's type
            // lists only its defaults.
            role: (input.globalRoles.length > 0 ? [...input.globalRoles] : ["user"]) as "user"[],
            ...(input.password !== undefined ? { password: input.password } : {}),
            data: {
              // No address, nothing to verify: REQUIRE_EMAIL_VERIFICATION must not lock such accounts out.
              emailVerified: input.emailVerified ?? !email,
              ...(username ? { username: username.toLowerCase(), displayUsername: username } : {}),
            },
          },
        })
        .catch(async (error: unknown) => {
          // A concurrent create won the race for a unique e-mail or username: answer as if we had seen it first.
          await assertFree();
          throw error;
        });
      const id = created.user.id;
      const ctx = await context();
      try {
        if (!email) await ctx.internalAdapter.updateUser(id, { email: placeholderEmail(id) });
        // The phone-number plugin does not take the number at creation; set it directly.
        if (input.phoneNumber) {
          await ctx.internalAdapter.updateUser(id, {
            phoneNumber: input.phoneNumber,
            phoneNumberVerified: input.phoneNumberVerified ?? false,
          });
        }
        const tenant = await tenants.findTenant(DEFAULT_TENANT_SLUG);
        if (tenant) {
          await ctx.adapter.create({
            model: "member",
            data: { organizationId: tenant.id, userId: id, role: "user", createdAt: new Date() },
          });
        }
        if (!input.active) await setActive(id, false);
      } catch (error) {
        // Never leave half an account behind.
        await ctx.internalAdapter.deleteUser(id).catch(() => {});
        throw error;
      }
      return get(id);
    },

    async list(query: AccountListQuery): Promise<{ users: AccountView[]; total: number }> {
      let filtered = db.kysely.selectFrom("user");
      if (query.status === "disabled") {
        filtered = filtered.where((eb) =>
          eb.or([eb("banned", "=", db.dialect === "postgres" ? true : 1), eb("status", "=", "disabled")]),
        );
      } else if (query.status) {
        filtered = filtered
          .where("status", "=", query.status)
          .where((eb) =>
            eb.or([eb("banned", "is", null), eb("banned", "=", db.dialect === "postgres" ? false : 0)]),
          );
      }
      if (query.search) {
        const search = query.search;
        filtered = filtered.where((eb) =>
          eb.or([
            containsText("email", search),
            containsText("username", search),
            containsText("name", search),
          ]),
        );
      }
      const column = SORT_COLUMNS[query.sort ?? "created_at"];
      const [rows, count] = await Promise.all([
        filtered
          .selectAll()
          .orderBy(column, query.order ?? "asc")
          .orderBy("id")
          .limit(query.limit)
          .offset(query.skip)
          .execute(),
        filtered.select((eb) => eb.fn.countAll<number>().as("count")).executeTakeFirst(),
      ]);
      return { users: rows.map(toAccount), total: Number(count?.count ?? 0) };
    },

    async update(id: string, changes: AccountChanges): Promise<AccountView> {
      const account = await get(id);
      const ctx = await context();
      if (changes.email !== undefined) {
        const email = changes.email?.trim().toLowerCase() || null;
        if (email && email !== account.email) {
          const owner = await find({ email });
          if (owner && owner.id !== id) throw AccountErrors.emailTaken();
        }
        if (email !== account.email)
          await ctx.internalAdapter.updateUser(id, {
            email: email ?? placeholderEmail(id),
            emailVerified: false,
          });
      }
      if (changes.globalRoles !== undefined) {
        const roles = [...new Set(changes.globalRoles)];
        await ctx.internalAdapter.updateUser(id, { role: roles.join(",") });
        // Sessions carry the roles they were opened with: a role change takes effect at the next sign-in.
        await ctx.internalAdapter.deleteUserSessions(id);
      }
      if (changes.password !== undefined) {
        await ctx.internalAdapter.updatePassword(id, await ctx.password.hash(changes.password));
      }
      if (changes.active !== undefined || changes.status !== undefined) {
        const active = changes.active ?? changes.status !== "disabled";
        await setActive(id, active, changes.status ?? (active ? "active" : "disabled"));
      }
      return get(id);
    },

    async endSessions(id: string): Promise<void> {
      await get(id);
      await (await context()).internalAdapter.deleteUserSessions(id);
    },

    async remove(id: string): Promise<void> {
      await get(id);
      const ctx = await context();
      await ctx.internalAdapter.deleteUserSessions(id);
      await ctx.internalAdapter.deleteAccounts(id);
      await db.kysely.deleteFrom("member").where("userId", "=", id).execute();
      await ctx.internalAdapter.deleteUser(id);
    },

    /** Refuses a change `actorId` may not make to account `id` (its own global roles, or disabling itself). */
    async checkUpdateBy(actorId: string, id: string, changes: AccountChanges): Promise<void> {
      const account = await get(id);
      if (actorId !== id) return;
      if (changes.globalRoles !== undefined) {
        const next = new Set(changes.globalRoles);
        const same =
          next.size === account.globalRoles.length && account.globalRoles.every((r) => next.has(r));
        if (!same) throw AccountErrors.ownRoleChange();
      }
      if (changes.active === false || changes.status === "disabled") throw AccountErrors.selfDisable();
    },

    /** Refuses deleting oneself, or the last active holder of the global role `admin`. */
    async checkRemoveBy(actorId: string, id: string): Promise<void> {
      const account = await get(id);
      if (actorId === id) throw AccountErrors.selfDelete();
      if (!account.globalRoles.includes("admin") || account.status === "disabled") return;
      const admins = await db.kysely
        .selectFrom("user")
        .selectAll()
        .where("role", "like", "%admin%")
        .execute();
      const active = admins
        .map(toAccount)
        .filter((a) => a.globalRoles.includes("admin") && a.status !== "disabled");
      if (active.length <= 1) throw AccountErrors.lastAdmin();
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
