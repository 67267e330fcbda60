/**
 * oidc-provider's storage (its `adapter` option) on our database: every model (sessions, interactions, codes,
 * tokens, grants, signing keys) is a row of `oidc_payload` (migration 009_oidc_payload in
 * src/platform/db/migrations.ts), so every node sees the same state. `consume` stamps `consumedAt` once; a code
 * found consumed makes oidc-provider revoke everything issued under its grant (`revokeByGrantId`).
 */
import type { Db } from "../../platform/db/index.ts";
import { dateParam, toDate } from "../../platform/db/values.ts";

interface Payload {
  readonly [key: string]: unknown;
  readonly grantId?: string;
  readonly userCode?: string;
  readonly uid?: string;
  readonly accountId?: string;
}

interface Row {
  payload: string;
  expiresAt: unknown;
  consumedAt: unknown;
}

const TABLE = "oidc_payload";

export function createPayloadAdapter(db: Db) {
  const now = () => dateParam(db.dialect, new Date());
  /** A row still alive: no expiry, or not yet past it. */
  const alive = (row: Row | undefined) => {
    if (!row) return undefined;
    const expiresAt = toDate(row.expiresAt, true);
    if (expiresAt && expiresAt.getTime() <= Date.now()) return undefined;
    const payload = JSON.parse(row.payload) as Record<string, unknown>;
    const consumedAt = toDate(row.consumedAt, true);
    return consumedAt ? { ...payload, consumed: Math.floor(consumedAt.getTime() / 1000) } : payload;
  };
  const findBy = async (model: string, column: "id" | "uid" | "userCode", value: string) =>
    alive(
      (await db.kysely
        .selectFrom(TABLE)
        .select(["payload", "expiresAt", "consumedAt"])
        .where("model", "=", model)
        .where(column, "=", value)
        .executeTakeFirst()) as Row | undefined,
    );

  /** The adapter class oidc-provider instantiates once per model name. */
  return class PayloadAdapter {
    constructor(readonly model: string) {}

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      const expiresAt = expiresIn ? dateParam(db.dialect, new Date(Date.now() + expiresIn * 1000)) : null;
      const row = {
        payload: JSON.stringify(payload),
        grantId: payload.grantId ?? null,
        userCode: payload.userCode ?? null,
        uid: payload.uid ?? null,
        accountId: payload.accountId ?? null,
        expiresAt,
      };
      await db.kysely
        .insertInto(TABLE)
        .values({ id, model: this.model, ...row, consumedAt: null })
        .onConflict((c) => c.columns(["model", "id"]).doUpdateSet(row))
        .execute();
    }

    find(id: string) {
      return findBy(this.model, "id", id);
    }

    findByUid(uid: string) {
      return findBy(this.model, "uid", uid);
    }

    findByUserCode(userCode: string) {
      return findBy(this.model, "userCode", userCode);
    }

    async consume(id: string): Promise<void> {
      // Only the first use stamps the row: the time of that use is what oidc-provider reports.
      await db.kysely
        .updateTable(TABLE)
        .set({ consumedAt: now() })
        .where("model", "=", this.model)
        .where("id", "=", id)
        .where("consumedAt", "is", null)
        .execute();
    }

    async destroy(id: string): Promise<void> {
      await db.kysely.deleteFrom(TABLE).where("model", "=", this.model).where("id", "=", id).execute();
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      // Every model of the grant, not only this one: a code reused revokes its access and refresh tokens too.
      await db.kysely.deleteFrom(TABLE).where("grantId", "=", grantId).execute();
    }
  };
}

/** Ends everything the provider holds for an account: its sessions, grants and the tokens issued under them. */
export async function revokeAccount(db: Db, accountId: string): Promise<void> {
  const grants = await db.kysely
    .selectFrom(TABLE)
    .select("grantId")
    .where("accountId", "=", accountId)
    .where("grantId", "is not", null)
    .execute();
  const ids = [...new Set(grants.map((row) => String(row.grantId)))];
  if (ids.length > 0) await db.kysely.deleteFrom(TABLE).where("grantId", "in", ids).execute();
  await db.kysely.deleteFrom(TABLE).where("accountId", "=", accountId).execute();
}
