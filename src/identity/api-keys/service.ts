/**
 * Tenant-bound API keys for automation. The raw key is shown once at creation; only its SHA-256 is stored (the
 * key has 256 bits of entropy, so a slow hash would add cost without adding safety). Revocation is immediate:
 * every request looks the key up in the database.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Db } from "../../platform/db/index.ts";
import { dateParam, toDate } from "../../platform/db/values.ts";

const KEY_PREFIX = "ghk_";
// Writing lastUsedAt on every request would turn reads into writes; once a minute is precise enough.
const LAST_USED_RESOLUTION_MS = 60_000;

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

export function createApiKeyService({ db }: { db: Db }) {
  return {
    async create(input: {
      tenantId: string;
      name: string;
      roles: readonly string[];
      createdBy: string | null;
      expiresAt: Date | null;
    }): Promise<{ key: ApiKey; raw: string }> {
      const raw = `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
      const now = new Date();
      const row = {
        id: randomUUID(),
        organizationId: input.tenantId,
        name: input.name,
        keyHash: hashKey(raw),
        prefix: raw.slice(0, KEY_PREFIX.length + 6),
        roles: JSON.stringify(input.roles),
        createdBy: input.createdBy,
        createdAt: dateParam(db.dialect, now),
        expiresAt: input.expiresAt ? dateParam(db.dialect, input.expiresAt) : null,
        lastUsedAt: null,
        revokedAt: null,
      };
      await db.kysely.insertInto("api_key").values(row).execute();
      return { key: fromRow({ ...row, createdAt: now, expiresAt: input.expiresAt }), raw };
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

    /** The live key for a raw value, or null (unknown, revoked or expired). */
    async verify(raw: string): Promise<ApiKey | null> {
      if (!raw.startsWith(KEY_PREFIX) || raw.length > 128) return null;
      const row = await db.kysely
        .selectFrom("api_key")
        .selectAll()
        .where("keyHash", "=", hashKey(raw))
        .executeTakeFirst();
      if (!row) return null;
      const key = fromRow(row);
      const now = Date.now();
      if (key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= now)) return null;
      if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
        await db.kysely
          .updateTable("api_key")
          .set({ lastUsedAt: dateParam(db.dialect, new Date(now)) })
          .where("id", "=", key.id)
          .execute();
      }
      return key;
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
