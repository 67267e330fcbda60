/**
 * The tenant's OAuth clients (relying parties of the OpenID Provider). Every operation of a caller takes its
 * context and is decided by Cedar (oauthClients.*: tenant owners and admins; only platform admins mark a client
 * first-party, src/authz/policies/oauth-clients.cedar), and every query names the tenant, so a client of
 * another tenant is not found (404). A secret is shown once, at creation and at a rotation. The provider reads a
 * client by its id alone (`findForProvider`): it learns the tenant from the client.
 */
import { randomBytes } from "node:crypto";
import type { RecordAuditEvent } from "../../auth/audit-event.ts";
import type { OAuthClientResource } from "../../authz/model.ts";
import type { Db } from "../../platform/db/index.ts";
import { auditBy } from "../audit/actor.ts";
import type { V1Context } from "../context.ts";
import type { Guard } from "../guard.ts";
import { OAuthClientErrors } from "./errors.ts";
import type {
  CreateOAuthClientInput,
  OAuthClient,
  OAuthClientWithSecret,
  ProviderClientMetadata,
  UpdateOAuthClientInput,
} from "./model.ts";
import { createOAuthClientQueries, type OAuthClientRecord } from "./queries.ts";
import { checkName, checkNewClient, checkRedirectUris, checkScopes, isNativeUri } from "./rules.ts";
import { createSecretBox } from "./secret.ts";

export interface OAuthClientDeps {
  readonly db: Db;
  readonly authorize: Guard;
  readonly record: RecordAuditEvent;
  /** AUTH_SECRET: the key of the secrets' encryption is derived from it. */
  readonly authSecret: string;
}

/** Who registered a client outside a /v1 request (dynamic registration), for the audit trail. */
export interface Registrar {
  readonly actorType: "user" | "system";
  readonly actorId: string | null;
  readonly ip?: string | null;
  readonly userAgent?: string | null;
}

function resourceOf(client: OAuthClient): OAuthClientResource {
  return { type: "OAuthClient", id: client.id, tenantId: client.tenantId, firstParty: client.firstParty };
}

// 144 bits, URL-safe without padding: unguessable, and no character that Basic authentication must escape
// beyond form-encoding `-` and `_` (which are unreserved).
function newClientId(): string {
  return randomBytes(18).toString("base64url");
}

export function createOAuthClientService(deps: OAuthClientDeps) {
  const { db, authorize, record } = deps;
  const queries = createOAuthClientQueries(db);
  const box = createSecretBox(deps.authSecret);
  const onTenant = (ctx: V1Context) => ({ type: "Tenant", id: ctx.tenant.id }) as const;

  async function found(ctx: V1Context, clientId: string): Promise<OAuthClientRecord> {
    const stored = await queries.get(ctx.tenant.id, clientId);
    if (!stored) throw OAuthClientErrors.notFound();
    return stored;
  }

  async function insert(tenantId: string, input: CreateOAuthClientInput): Promise<OAuthClientWithSecret> {
    const checked = checkNewClient(input);
    const needsSecret =
      checked.tokenEndpointAuthMethod === "client_secret_basic" ||
      checked.tokenEndpointAuthMethod === "client_secret_post";
    const secret = needsSecret ? box.generate() : null;
    const now = new Date();
    const client: OAuthClient = {
      id: newClientId(),
      tenantId,
      ...checked,
      hasSecret: secret !== null,
      createdAt: now,
      updatedAt: now,
    };
    await queries.insert({
      client,
      secretEncrypted: secret?.encrypted ?? null,
      secretHash: secret?.hash ?? null,
    });
    return { client, secret: secret?.raw ?? null };
  }

  const audited = (client: OAuthClient) => ({
    subjectType: "oauth_client",
    subjectId: client.id,
    tenantId: client.tenantId,
  });

  return {
    async create(ctx: V1Context, input: CreateOAuthClientInput): Promise<OAuthClientWithSecret> {
      await authorize(ctx, (principal) => ({
        principal,
        action: "oauthClients.create",
        resource: onTenant(ctx),
        context: { firstParty: input.firstParty === true },
      }));
      const created = await insert(ctx.tenant.id, input);
      await record({
        ...auditBy(ctx),
        ...audited(created.client),
        type: "oauth_client.created",
        details: { name: created.client.name, type: created.client.type },
      });
      return created;
    },

    /**
     * A client created without a /v1 caller: dynamic registration (RFC 7591), whose endpoint has checked the
     * initial access token or the platform admin's credential itself. Same rules as `create`.
     */
    async register(
      tenantId: string,
      input: CreateOAuthClientInput,
      by: Registrar,
    ): Promise<OAuthClientWithSecret> {
      const created = await insert(tenantId, input);
      await record({
        ...by,
        ...audited(created.client),
        type: "oauth_client.registered",
        details: { name: created.client.name, type: created.client.type },
      });
      return created;
    },

    async list(ctx: V1Context): Promise<OAuthClient[]> {
      await authorize(ctx, (principal) => ({
        principal,
        action: "oauthClients.list",
        resource: onTenant(ctx),
      }));
      return queries.list(ctx.tenant.id);
    },

    async get(ctx: V1Context, clientId: string): Promise<OAuthClient> {
      const { client } = await found(ctx, clientId);
      await authorize(ctx, (principal) => ({
        principal,
        action: "oauthClients.get",
        resource: resourceOf(client),
      }));
      return client;
    },

    async update(ctx: V1Context, clientId: string, input: UpdateOAuthClientInput): Promise<OAuthClient> {
      const { client } = await found(ctx, clientId);
      await authorize(ctx, (principal) => ({
        principal,
        action: "oauthClients.update",
        resource: resourceOf(client),
        context: { firstParty: input.firstParty === true && !client.firstParty },
      }));
      const redirectUris = input.redirectUris && checkRedirectUris("redirect_uris", input.redirectUris);
      if (redirectUris && redirectUris.length === 0 && client.grantTypes.includes("authorization_code")) {
        throw OAuthClientErrors.invalid(
          "redirect_uris",
          "at least one redirect URI for the authorization code flow",
        );
      }
      const changes = {
        ...(input.name !== undefined ? { name: checkName(input.name) } : {}),
        ...(redirectUris ? { redirectUris } : {}),
        ...(input.postLogoutRedirectUris
          ? {
              postLogoutRedirectUris: checkRedirectUris(
                "post_logout_redirect_uris",
                input.postLogoutRedirectUris,
              ),
            }
          : {}),
        ...(input.scopes ? { scopes: checkScopes(input.scopes) } : {}),
        ...(input.firstParty !== undefined ? { firstParty: input.firstParty } : {}),
      };
      const now = new Date();
      // Deleted meanwhile: as if it had never been found.
      if (!(await queries.update(ctx.tenant.id, client.id, changes, now))) {
        throw OAuthClientErrors.notFound();
      }
      await record({
        ...auditBy(ctx),
        ...audited(client),
        type: "oauth_client.updated",
        details: { changes: Object.keys(changes) },
      });
      return { ...client, ...changes, updatedAt: now };
    },

    /** A new secret, shown once; the old one stops working at once. */
    async rotateSecret(ctx: V1Context, clientId: string): Promise<OAuthClientWithSecret> {
      const { client } = await found(ctx, clientId);
      await authorize(ctx, (principal) => ({
        principal,
        action: "oauthClients.rotateSecret",
        resource: resourceOf(client),
      }));
      if (!client.hasSecret) throw OAuthClientErrors.noSecret();
      const secret = box.generate();
      const now = new Date();
      const secretChange = { secret: { encrypted: secret.encrypted, hash: secret.hash } };
      if (!(await queries.update(ctx.tenant.id, client.id, secretChange, now))) {
        throw OAuthClientErrors.notFound();
      }
      await record({ ...auditBy(ctx), ...audited(client), type: "oauth_client.secret_rotated" });
      return { client: { ...client, updatedAt: now }, secret: secret.raw };
    },

    async delete(ctx: V1Context, clientId: string): Promise<void> {
      const { client } = await found(ctx, clientId);
      await authorize(ctx, (principal) => ({
        principal,
        action: "oauthClients.delete",
        resource: resourceOf(client),
      }));
      if (!(await queries.delete(ctx.tenant.id, client.id))) throw OAuthClientErrors.notFound();
      await record({ ...auditBy(ctx), ...audited(client), type: "oauth_client.deleted" });
    },

    /**
     * The client as oidc-provider's metadata (its `findClient`/adapter answer), or undefined when unknown.
     * `client_secret` is the decrypted secret; a secret that no longer decrypts (AUTH_SECRET changed) leaves
     * it out, so no secret matches until the client's secret is rotated.
     */
    async findForProvider(clientId: string): Promise<ProviderClientMetadata | undefined> {
      if (clientId.length === 0 || clientId.length > 128) return undefined;
      const stored = await queries.find(clientId);
      if (!stored) return undefined;
      const { client } = stored;
      const secret = stored.secretEncrypted ? box.decrypt(stored.secretEncrypted) : null;
      const uris = [...client.redirectUris, ...client.postLogoutRedirectUris];
      return {
        client_id: client.id,
        ...(secret ? { client_secret: secret } : {}),
        client_name: client.name,
        redirect_uris: [...client.redirectUris],
        post_logout_redirect_uris: [...client.postLogoutRedirectUris],
        grant_types: [...client.grantTypes],
        // The code flow only (no implicit or hybrid, as OAuth 2.1 and the Security BCP advise).
        response_types: client.grantTypes.includes("authorization_code") ? ["code"] : [],
        scope: client.scopes.join(" "),
        token_endpoint_auth_method: client.tokenEndpointAuthMethod,
        application_type: uris.some(isNativeUri) ? "native" : "web",
        ...(client.jwks ? { jwks: { keys: client.jwks.keys.map((key) => ({ ...key })) } } : {}),
        ...(client.jwksUri ? { jwks_uri: client.jwksUri } : {}),
        tenant_id: client.tenantId,
        first_party: client.firstParty,
      };
    },

    /** Whether `secret` is the client's current secret, in constant time (false for clients without one). */
    async verifySecret(clientId: string, secret: string): Promise<boolean> {
      const stored = await queries.find(clientId);
      return Boolean(stored?.secretHash && box.matches(stored.secretHash, secret));
    },
  };
}

export type OAuthClientService = ReturnType<typeof createOAuthClientService>;
