/**
 * Where the provider finds its clients. Until the tenant-managed client store (/v1/oauth-clients) is wired in,
 * clients are rows of `oidc_payload` with model `Client` (oidc-provider's own client model), holding
 * oidc-provider client metadata plus Gatehouse's `first_party` (skips consent) and `tenant_id` (the tenant whose
 * members it serves; `default` when absent).
 */
import type { Db } from "../../platform/db/index.ts";

export type ClientMetadata = Record<string, unknown> & { readonly client_id: string };

export interface ClientSource {
  findClient(clientId: string): Promise<ClientMetadata | undefined>;
}

/** Gatehouse's own metadata on a client, declared to oidc-provider as `extraClientMetadata`. */
export const EXTRA_CLIENT_METADATA = ["first_party", "tenant_id"] as const;

export function storedClients(db: Db): ClientSource {
  return {
    async findClient(clientId) {
      const row = await db.kysely
        .selectFrom("oidc_payload")
        .select("payload")
        .where("model", "=", "Client")
        .where("id", "=", clientId)
        .executeTakeFirst();
      return row ? (JSON.parse(String(row.payload)) as ClientMetadata) : undefined;
    },
  };
}

/** Registers (or replaces) a client in the interim store: tests and operators' scripts. */
export async function saveClient(db: Db, metadata: ClientMetadata): Promise<void> {
  const values = { payload: JSON.stringify(metadata) };
  await db.kysely
    .insertInto("oidc_payload")
    .values({ model: "Client", id: metadata.client_id, ...values })
    .onConflict((c) => c.columns(["model", "id"]).doUpdateSet(values))
    .execute();
}
