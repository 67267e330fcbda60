/**
 * The applications a person let use their account: the OpenID Provider's grants (model `Grant` in
 * `oidc_payload`, written by oidc-provider through src/http/oidc/adapter.ts), one per client and login session.
 * Revoking an application deletes every grant of that account and client and every row issued under them
 * (codes, access and refresh tokens carry the `grantId` column), so the next refresh fails ("grant not found")
 * and the next authorization asks for consent again.
 */
import type { RecordAuditEvent } from "../../auth/audit-event.ts";
import type { Db } from "../../platform/db/index.ts";
import { toDate } from "../../platform/db/values.ts";

const TABLE = "oidc_payload";

export interface ConnectedApp {
  readonly clientId: string;
  /** The client's registered name, or its id when it has none. */
  readonly clientName: string;
  /** The OpenID scopes granted (openid, profile, email, …), in the order granted. */
  readonly scopes: readonly string[];
  /** When the most recent of the grants was given. */
  readonly grantedAt: Date;
}

/** Where a revocation came from, for the audit trail. */
export interface GrantRevoker {
  readonly ip?: string | null;
  readonly userAgent?: string | null;
}

interface GrantRow {
  readonly id: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly issuedAt: number;
}

function parse(id: string, payload: string): GrantRow | undefined {
  const value = JSON.parse(payload) as { clientId?: unknown; iat?: unknown; openid?: { scope?: unknown } };
  if (typeof value.clientId !== "string") return undefined;
  const scope = typeof value.openid?.scope === "string" ? value.openid.scope : "";
  return {
    id,
    clientId: value.clientId,
    scopes: scope.split(" ").filter(Boolean),
    issuedAt: typeof value.iat === "number" ? value.iat : 0,
  };
}

export function createGrantService(deps: { readonly db: Db; readonly record: RecordAuditEvent }) {
  const { db, record } = deps;

  /** The account's live grants (an expired one no longer lets the client in). */
  async function grantsOf(accountId: string): Promise<GrantRow[]> {
    const rows = await db.kysely
      .selectFrom(TABLE)
      .select(["id", "payload", "expiresAt"])
      .where("model", "=", "Grant")
      .where("accountId", "=", accountId)
      .execute();
    const now = Date.now();
    return rows
      .filter((row) => {
        const expiresAt = toDate(row.expiresAt, true);
        return !expiresAt || expiresAt.getTime() > now;
      })
      .map((row) => parse(String(row.id), String(row.payload)))
      .filter((row): row is GrantRow => row !== undefined);
  }

  /** The client's name and tenant: a tenant's client (oauth_client), else one stored for the provider. */
  async function describe(clientId: string): Promise<{ name: string; tenantId: string | null }> {
    const registered = await db.kysely
      .selectFrom("oauth_client")
      .select(["name", "organizationId"])
      .where("clientId", "=", clientId)
      .executeTakeFirst();
    if (registered) return { name: String(registered.name), tenantId: String(registered.organizationId) };
    const stored = await db.kysely
      .selectFrom(TABLE)
      .select("payload")
      .where("model", "=", "Client")
      .where("id", "=", clientId)
      .executeTakeFirst();
    const metadata = stored
      ? (JSON.parse(String(stored.payload)) as { client_name?: unknown; tenant_id?: unknown })
      : {};
    return {
      name:
        typeof metadata.client_name === "string" && metadata.client_name ? metadata.client_name : clientId,
      tenantId: typeof metadata.tenant_id === "string" ? metadata.tenant_id : null,
    };
  }

  return {
    /** One entry per application, its scopes the union of its grants, newest first. */
    async list(accountId: string): Promise<ConnectedApp[]> {
      const byClient = new Map<string, { scopes: Set<string>; issuedAt: number }>();
      for (const grant of await grantsOf(accountId)) {
        const entry = byClient.get(grant.clientId) ?? { scopes: new Set<string>(), issuedAt: 0 };
        for (const scope of grant.scopes) entry.scopes.add(scope);
        entry.issuedAt = Math.max(entry.issuedAt, grant.issuedAt);
        byClient.set(grant.clientId, entry);
      }
      const apps = await Promise.all(
        [...byClient].map(async ([clientId, entry]) => ({
          clientId,
          clientName: (await describe(clientId)).name,
          scopes: [...entry.scopes],
          grantedAt: new Date(entry.issuedAt * 1000),
        })),
      );
      return apps.sort((a, b) => b.grantedAt.getTime() - a.grantedAt.getTime());
    },

    /**
     * Ends the application's access to the account: its grants and every code and token issued under them.
     * False when the account had granted that client nothing (nothing to revoke, nothing recorded).
     */
    async revoke(accountId: string, clientId: string, by: GrantRevoker = {}): Promise<boolean> {
      const ids = (await grantsOf(accountId))
        .filter((grant) => grant.clientId === clientId)
        .map((grant) => grant.id);
      if (ids.length === 0) return false;
      // The grants first: from then on no token of theirs is accepted (oidc-provider checks the grant).
      await db.kysely.deleteFrom(TABLE).where("model", "=", "Grant").where("id", "in", ids).execute();
      await db.kysely.deleteFrom(TABLE).where("grantId", "in", ids).execute();
      const client = await describe(clientId);
      await record({
        type: "oauth_grant.revoked",
        actorType: "user",
        actorId: accountId,
        subjectType: "oauth_client",
        subjectId: clientId,
        tenantId: client.tenantId,
        ip: by.ip ?? null,
        userAgent: by.userAgent ?? null,
        details: { grants: ids.length },
      });
      return true;
    },
  };
}

export type GrantService = ReturnType<typeof createGrantService>;
