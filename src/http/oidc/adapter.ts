/**
 * oidc-provider's storage (its `adapter` option) on our database: every model (sessions, interactions, codes,
 * tokens, grants, signing keys) is a row of `oidc_payload` (migration 009_oidc_payload in
 * src/platform/db/migrations.ts), so every node sees the same state. `consume` stamps `consumedAt` once; a code
 * found consumed makes oidc-provider revoke everything issued under its grant (`revokeByGrantId`).
 *
 * oidc-provider checks `consumed` on what `find` returned and then calls `consume` without looking at its result
 * (lib/helpers/grant_source.js consumeGrantSource, lib/actions/grants/refresh_token.js). Requests that found the
 * code unconsumed at the same time would all issue tokens; so `consume` itself is the single-use check: the one
 * conditional UPDATE that stamps the row wins, every other caller revokes the grant (as oidc-provider does for a
 * code found consumed) and throws the provider's error, which the token endpoint answers as `invalid_grant`.
 * The grant row goes too, so tokens the winner saves after that are refused wherever the grant is looked up
 * (refresh, userinfo, introspection).
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

export interface PayloadAdapterOptions {
  /** The error a `consume` that lost (the row was stamped or gone already) throws; oidc-provider renders it. */
  readonly alreadyConsumed: (model: string) => Error;
}

export function createPayloadAdapter(db: Db, options: PayloadAdapterOptions) {
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
      const stamped = await db.kysely
        .updateTable(TABLE)
        .set({ consumedAt: now() })
        .where("model", "=", this.model)
        .where("id", "=", id)
        .where("consumedAt", "is", null)
        .executeTakeFirst();
      if (Number(stamped.numUpdatedRows) > 0) return;
      const row = await db.kysely
        .selectFrom(TABLE)
        .select("grantId")
        .where("model", "=", this.model)
        .where("id", "=", id)
        .executeTakeFirst();
      if (row?.grantId) await revokeGrant(db, String(row.grantId));
      throw options.alreadyConsumed(this.model);
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

/** Everything issued under a grant, and the grant itself (its row carries no `grantId`: it is its `id`). */
async function revokeGrant(db: Db, grantId: string): Promise<void> {
  await db.kysely
    .deleteFrom(TABLE)
    .where((eb) =>
      eb.or([eb("grantId", "=", grantId), eb.and([eb("model", "=", "Grant"), eb("id", "=", grantId)])]),
    )
    .execute();
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
