/** The oauth_client table (migration 008_oauth_client). Every query of a tenant's clients names the tenant. */
import type { Db } from "../../platform/db/index.ts";
import { boolParam, dateParam, toDate } from "../../platform/db/values.ts";
import type { ClientJwks, OAuthClient, OAuthGrantType, OAuthScope } from "./model.ts";

/** A row as read, with the secret columns the model leaves out. */
export interface OAuthClientRecord {
  readonly client: OAuthClient;
  readonly secretEncrypted: string | null;
  readonly secretHash: string | null;
}

function parseJson<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  return JSON.parse(String(value)) as T;
}

function fromRow(row: Record<string, unknown>): OAuthClientRecord {
  const secretHash = (row.secretHash as string | null) ?? null;
  return {
    client: {
      id: String(row.clientId),
      tenantId: String(row.organizationId),
      name: String(row.name),
      type: row.type === "public" ? "public" : "confidential",
      redirectUris: parseJson<string[]>(row.redirectUris, []),
      postLogoutRedirectUris: parseJson<string[]>(row.postLogoutRedirectUris, []),
      grantTypes: parseJson<OAuthGrantType[]>(row.grantTypes, []),
      scopes: parseJson<OAuthScope[]>(row.scopes, []),
      tokenEndpointAuthMethod: row.tokenEndpointAuthMethod as OAuthClient["tokenEndpointAuthMethod"],
      jwks: parseJson<ClientJwks | null>(row.jwks, null),
      jwksUri: (row.jwksUri as string | null) ?? null,
      // SQLite returns 0/1, PostgreSQL a boolean.
      firstParty: row.firstParty === true || row.firstParty === 1 || row.firstParty === "1",
      hasSecret: secretHash !== null,
      createdAt: toDate(row.createdAt),
      updatedAt: toDate(row.updatedAt),
    },
    secretEncrypted: (row.secretEncrypted as string | null) ?? null,
    secretHash,
  };
}

export interface NewClientRow {
  readonly client: OAuthClient;
  readonly secretEncrypted: string | null;
  readonly secretHash: string | null;
}

export function createOAuthClientQueries(db: Db) {
  const table = "oauth_client";
  return {
    async insert({ client, secretEncrypted, secretHash }: NewClientRow): Promise<void> {
      await db.kysely
        .insertInto(table)
        .values({
          clientId: client.id,
          organizationId: client.tenantId,
          name: client.name,
          type: client.type,
          secretEncrypted,
          secretHash,
          redirectUris: JSON.stringify(client.redirectUris),
          postLogoutRedirectUris: JSON.stringify(client.postLogoutRedirectUris),
          grantTypes: JSON.stringify(client.grantTypes),
          scopes: JSON.stringify(client.scopes),
          tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
          jwks: client.jwks ? JSON.stringify(client.jwks) : null,
          jwksUri: client.jwksUri,
          firstParty: boolParam(db.dialect, client.firstParty),
          createdAt: dateParam(db.dialect, client.createdAt),
          updatedAt: dateParam(db.dialect, client.updatedAt),
        })
        .execute();
    },

    async list(tenantId: string): Promise<OAuthClient[]> {
      const rows = await db.kysely
        .selectFrom(table)
        .selectAll()
        .where("organizationId", "=", tenantId)
        .orderBy("createdAt", "desc")
        .orderBy("clientId")
        .execute();
      return rows.map((row) => fromRow(row).client);
    },

    async get(tenantId: string, clientId: string): Promise<OAuthClientRecord | null> {
      const row = await db.kysely
        .selectFrom(table)
        .selectAll()
        .where("organizationId", "=", tenantId)
        .where("clientId", "=", clientId)
        .executeTakeFirst();
      return row ? fromRow(row) : null;
    },

    /** Any tenant's client: for the provider, which learns the tenant from the client. */
    async find(clientId: string): Promise<OAuthClientRecord | null> {
      const row = await db.kysely
        .selectFrom(table)
        .selectAll()
        .where("clientId", "=", clientId)
        .executeTakeFirst();
      return row ? fromRow(row) : null;
    },

    async update(
      tenantId: string,
      clientId: string,
      changes: {
        name?: string;
        redirectUris?: readonly string[];
        postLogoutRedirectUris?: readonly string[];
        scopes?: readonly string[];
        firstParty?: boolean;
        secret?: { encrypted: string; hash: string };
      },
      now: Date,
    ): Promise<boolean> {
      const set: Record<string, unknown> = { updatedAt: dateParam(db.dialect, now) };
      if (changes.name !== undefined) set.name = changes.name;
      if (changes.redirectUris) set.redirectUris = JSON.stringify(changes.redirectUris);
      if (changes.postLogoutRedirectUris) {
        set.postLogoutRedirectUris = JSON.stringify(changes.postLogoutRedirectUris);
      }
      if (changes.scopes) set.scopes = JSON.stringify(changes.scopes);
      if (changes.firstParty !== undefined) set.firstParty = boolParam(db.dialect, changes.firstParty);
      if (changes.secret) {
        set.secretEncrypted = changes.secret.encrypted;
        set.secretHash = changes.secret.hash;
      }
      const result = await db.kysely
        .updateTable(table)
        .set(set)
        .where("organizationId", "=", tenantId)
        .where("clientId", "=", clientId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async delete(tenantId: string, clientId: string): Promise<boolean> {
      const result = await db.kysely
        .deleteFrom(table)
        .where("organizationId", "=", tenantId)
        .where("clientId", "=", clientId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type OAuthClientQueries = ReturnType<typeof createOAuthClientQueries>;
