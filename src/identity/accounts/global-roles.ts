/**
 * The one catalogue of global (platform-wide) roles, for every API: the built-in ones — Hasura's `anonymous`,
 * `user`, `admin` and GeoLens's `editor`, `viewer` (its `admin` is the same role) — plus the roles admins
 * create (table `global_role`). A role of one dialect is a role of the other: a GeoLens editor is listed and
 * granted through Hasura's /v1/admin/* under the same name.
 */
import { parseRoles } from "../../auth/roles.ts";
import type { Db } from "../../platform/db/index.ts";
import { dateParam } from "../../platform/db/values.ts";

/** Hasura's default roles, then GeoLens's; they always exist and cannot be deleted. */
export const HASURA_ROLES = ["anonymous", "user", "admin"] as const;
export const GEOLENS_ROLES = ["admin", "editor", "viewer"] as const;
export const BUILT_IN_ROLES = [...new Set([...HASURA_ROLES, ...GEOLENS_ROLES])] as readonly string[];

export function isBuiltInRole(name: string): boolean {
  return BUILT_IN_ROLES.includes(name);
}

export function createGlobalRoleCatalogue(db: Db) {
  const { kysely } = db;

  async function created(): Promise<string[]> {
    const rows = await kysely.selectFrom("global_role").select("name").orderBy("name").execute();
    return rows.map((row) => String(row.name));
  }

  return {
    async list(): Promise<string[]> {
      return [...BUILT_IN_ROLES, ...(await created())];
    },

    /** The roles of `names` that are not in the catalogue. */
    async unknown(names: readonly string[]): Promise<string[]> {
      const rest = [...new Set(names)].filter((name) => !isBuiltInRole(name));
      if (rest.length === 0) return [];
      const rows = await kysely.selectFrom("global_role").select("name").where("name", "in", rest).execute();
      const known = new Set(rows.map((row) => String(row.name)));
      return rest.filter((name) => !known.has(name));
    },

    /** false when the role already exists. */
    async create(name: string): Promise<boolean> {
      if (isBuiltInRole(name)) return false;
      const existing = await kysely
        .selectFrom("global_role")
        .select("name")
        .where("name", "=", name)
        .executeTakeFirst();
      if (existing) return false;
      try {
        await kysely
          .insertInto("global_role")
          .values({ name, createdAt: dateParam(db.dialect, new Date()) })
          .execute();
        return true;
      } catch (error) {
        // Another node created it between the check and the insert: the primary key refused the duplicate.
        const again = await kysely
          .selectFrom("global_role")
          .select("name")
          .where("name", "=", name)
          .executeTakeFirst();
        if (again) return false;
        throw error;
      }
    },

    /** false when no such (created) role exists. */
    async remove(name: string): Promise<boolean> {
      const result = await kysely.deleteFrom("global_role").where("name", "=", name).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    /** How many users hold the role (global roles are stored comma-separated in `user.role`). */
    async holders(name: string): Promise<number> {
      // A wide LIKE narrows the rows (role names may hold `_`, a LIKE wildcard); each match is confirmed exactly.
      const rows = await kysely
        .selectFrom("user")
        .select("role")
        .where("role", "like", `%${name}%`)
        .execute();
      return rows.filter((row) => parseRoles(row.role).includes(name)).length;
    },
  };
}

export type GlobalRoleCatalogue = ReturnType<typeof createGlobalRoleCatalogue>;
