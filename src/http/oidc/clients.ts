/**
 * Where the provider finds its clients: the tenants' client store (/v1/oauth-clients,
 * src/identity/oauth-clients/service.ts `findForProvider`), then rows of `oidc_payload` with model `Client`
 * (oidc-provider's own client model: tests and operators' scripts). Both hold oidc-provider client metadata plus
 * Gatehouse's `first_party` (skips consent) and `tenant_id` (the tenant whose members it serves; `default` when
 * absent).
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

/** The first source that knows the client. */
export function firstOf(...sources: readonly ClientSource[]): ClientSource {
  return {
    async findClient(clientId) {
      for (const source of sources) {
        const found = await source.findClient(clientId);
        if (found) return found;
      }
      return undefined;
    },
  };
}
