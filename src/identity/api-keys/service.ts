/**
 * Tenant-bound API keys for automation. The raw key is shown once at creation; only its SHA-256 is stored (the
 * key has 256 bits of entropy, so a slow hash would add cost without adding safety). Revocation is immediate:
 * every request looks the key up in the database, and with it the current rights of the key's creator
 * (creator-rights.ts), so a key never outlives the power of the member behind it. Every key expires.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { isBanActive, isPlatformAdminRoles, parseRoles } from "../../auth/roles.ts";
import type { AuthzPrincipal } from "../../authz/model.ts";
import type { Db } from "../../platform/db/index.ts";
import { preparedQuery } from "../../platform/db/prepared.ts";
import { dateParam, toDate } from "../../platform/db/values.ts";
import { memberStatus } from "../accounts/status.ts";
import { type CreatorStanding, rolesWithinCreatorRights } from "./creator-rights.ts";

const KEY_PREFIX = "ghk_";
// Writing lastUsedAt on every request would turn reads into writes; once a minute is precise enough.
const LAST_USED_RESOLUTION_MS = 60_000;
const DAY_MS = 86_400_000;
// A leaked automation key should not work forever: 90 days unless the creator chooses (as GitHub and GitLab
// default their access tokens), and at most a year, so every key is rotated at least yearly.
export const API_KEY_DEFAULT_TTL_DAYS = 90;
export const API_KEY_MAX_TTL_DAYS = 366;

export interface ApiKey {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  /** The first characters of the key, to recognise it in a list. */
  readonly prefix: string;
  readonly roles: readonly string[];
  readonly createdBy: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

function hashKey(raw: string): string {
  return createHash("sha256").update(raw).digest("hex");
}

/** The key a request acts with: `roles` are what it may do now (its granted roles within its creator's). */
export interface VerifiedApiKey extends ApiKey {
  readonly grantedRoles: readonly string[];
  /** The person the key answers to, as they stand now (see creatorPrincipal); read with the key. */
  readonly creator: AuthzPrincipal | null;
}

function fromRow(row: Record<string, unknown>): ApiKey {
  return {
    id: String(row.id),
    tenantId: String(row.organizationId),
    name: String(row.name),
    prefix: String(row.prefix),
    roles: JSON.parse(String(row.roles)) as string[],
    createdBy: (row.createdBy as string | null) ?? null,
    createdAt: toDate(row.createdAt),
    expiresAt: toDate(row.expiresAt, true),
    lastUsedAt: toDate(row.lastUsedAt, true),
    revokedAt: toDate(row.revokedAt, true),
  };
}

export interface ApiKeyDeps {
  readonly db: Db;
}

/** The latest expiry a key may be given at `now`; later ones are refused by the route. */
export function latestApiKeyExpiry(now = Date.now()): Date {
  return new Date(now + API_KEY_MAX_TTL_DAYS * DAY_MS);
}

/** The creator as the joined read found them: their account and their membership of the key's tenant. */
interface CreatorRow {
  creatorId: string | null;
  creatorRole: string | null;
  creatorBanned: unknown;
  creatorBanExpires: unknown;
  creatorMemberRole: string | null;
  creatorMemberStatus: string | null;
}

/** The creator as it stands now; null when it is gone or banned (a key then has no rights at all). */
function standingOf(row: CreatorRow): CreatorStanding | null {
  if (!row.creatorId) return null;
  if (isBanActive({ banned: row.creatorBanned, banExpires: row.creatorBanExpires })) return null;
  const activeMember = row.creatorMemberRole !== null && memberStatus(row.creatorMemberStatus) === "active";
  return {
    isPlatformAdmin: isPlatformAdminRoles(parseRoles(row.creatorRole)),
    tenantRoles: activeMember ? parseRoles(row.creatorMemberRole) : null,
  };
}

/** The person a key answers to as a principal of its tenant; null when gone or banned. */
function creatorAsPrincipal(key: ApiKey, standing: CreatorStanding | null): AuthzPrincipal | null {
  if (!standing || !key.createdBy) return null;
  return {
    type: "User",
    id: key.createdBy,
    // Outside the tenant (a platform admin who is no member) acts from nowhere, as the pipeline does it.
    tenantId: standing.tenantRoles ? key.tenantId : "",
    roles: standing.tenantRoles ?? [],
    isPlatformAdmin: standing.isPlatformAdmin,
  };
}

export function createApiKeyService({ db }: ApiKeyDeps) {
  /**
   * A key with its creator's account and membership of the key's tenant, in one read (every request made with
   * a key needs all three): by its hash (`keyHash`) or by its id.
   */
  const keyWithCreator = (by: "keyHash" | "id") =>
    preparedQuery<Record<string, unknown> & CreatorRow>(db, (kysely, param) =>
      kysely
        .selectFrom("api_key as k")
        .leftJoin("user as u", "u.id", "k.createdBy")
        .leftJoin("member as m", (join) =>
          join.onRef("m.organizationId", "=", "k.organizationId").onRef("m.userId", "=", "k.createdBy"),
        )
        .selectAll("k")
        .select([
          "u.id as creatorId",
          "u.role as creatorRole",
          "u.banned as creatorBanned",
          "u.banExpires as creatorBanExpires",
          "m.role as creatorMemberRole",
          "m.status as creatorMemberStatus",
        ])
        .where(`k.${by}`, "=", param(0))
        .limit(1),
    );
  const byHash = keyWithCreator("keyHash");
  const byId = keyWithCreator("id");

  return {
    /**
     * `createdBy` is the user answerable for the key: the signed-in creator, or, for a key made by a key, that
     * key's own creator (so the chain never escapes a person's rights). Without `expiresAt` the key expires
     * after API_KEY_DEFAULT_TTL_DAYS.
     */
    async create(input: {
      tenantId: string;
      name: string;
      roles: readonly string[];
      createdBy: string;
      expiresAt?: Date;
    }): Promise<{ key: ApiKey; raw: string }> {
      const raw = `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
      const now = new Date();
      const expiresAt = input.expiresAt ?? new Date(now.getTime() + API_KEY_DEFAULT_TTL_DAYS * DAY_MS);
      const row = {
        id: randomUUID(),
        organizationId: input.tenantId,
        name: input.name,
        keyHash: hashKey(raw),
        prefix: raw.slice(0, KEY_PREFIX.length + 6),
        roles: JSON.stringify(input.roles),
        createdBy: input.createdBy,
        createdAt: dateParam(db.dialect, now),
        expiresAt: dateParam(db.dialect, expiresAt),
        lastUsedAt: null,
        revokedAt: null,
      };
      await db.kysely.insertInto("api_key").values(row).execute();
      return { key: fromRow({ ...row, createdAt: now, expiresAt }), raw };
    },

    /**
     * The person a key answers to, as a principal of the key's tenant with its rights there now; null when the
     * key or its creator is gone or banned. The guard decides a key's request for this person too.
     */
    async creatorPrincipal(keyId: string): Promise<AuthzPrincipal | null> {
      const [row] = await byId(keyId);
      if (!row) return null;
      const key = fromRow(row);
      return creatorAsPrincipal(key, standingOf(row));
    },

    async list(tenantId: string): Promise<ApiKey[]> {
      const rows = await db.kysely
        .selectFrom("api_key")
        .selectAll()
        .where("organizationId", "=", tenantId)
        .orderBy("createdAt", "desc")
        .execute();
      return rows.map(fromRow);
    },

    async get(tenantId: string, id: string): Promise<ApiKey | null> {
      const row = await db.kysely
        .selectFrom("api_key")
        .selectAll()
        .where("organizationId", "=", tenantId)
        .where("id", "=", id)
        .executeTakeFirst();
      return row ? fromRow(row) : null;
    },

    async revoke(tenantId: string, id: string): Promise<void> {
      await db.kysely
        .updateTable("api_key")
        .set({ revokedAt: dateParam(db.dialect, new Date()) })
        .where("organizationId", "=", tenantId)
        .where("id", "=", id)
        .where("revokedAt", "is", null)
        .execute();
    },

    /**
     * The live key for a raw value with the roles it may act with now, or null: unknown, revoked, expired, or
     * its creator holds none of its roles any more (removed, suspended, banned, deleted or demoted).
     */
    async verify(raw: string): Promise<VerifiedApiKey | null> {
      if (!raw.startsWith(KEY_PREFIX) || raw.length > 128) return null;
      const [row] = await byHash(hashKey(raw));
      if (!row) return null;
      const key = fromRow(row);
      const now = Date.now();
      if (key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= now)) return null;
      const standing = standingOf(row);
      const roles = rolesWithinCreatorRights(key.roles, standing);
      if (roles.length === 0) return null;
      if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
        await db.kysely
          .updateTable("api_key")
          .set({ lastUsedAt: dateParam(db.dialect, new Date(now)) })
          .where("id", "=", key.id)
          .execute();
      }
      return { ...key, roles, grantedRoles: key.roles, creator: creatorAsPrincipal(key, standing) };
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
