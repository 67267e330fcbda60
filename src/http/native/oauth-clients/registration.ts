/**
 * Dynamic client registration (RFC 7591) at `POST /v1/oauth-clients/register`, the discovery document's
 * `registration_endpoint`. Only platform operators register here: the caller presents the initial access token
 * (`Authorization: Bearer <OIDC_REGISTRATION_TOKEN>`) or a platform admin's credential. The client is created in
 * the tenant named by the extension metadata `tenant_id` (id or slug; default `default`) through the same store
 * and rules as /v1/oauth-clients. Errors are RFC 7591 §3.2.2's `{error, error_description}`
 * (`invalid_redirect_uri`, `invalid_client_metadata`) and RFC 6750's for the token, not the /v1 envelope: this
 * is the shape every OAuth client library expects from this endpoint, so the handler renders them itself.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { Elysia, t } from "elysia";
import { clientOf } from "../../../identity/audit/actor.ts";
import type { CreateOAuthClientInput } from "../../../identity/oauth-clients/model.ts";
import type { Registrar } from "../../../identity/oauth-clients/service.ts";
import { DEFAULT_TENANT_SLUG } from "../../../identity/tenants/service.ts";
import { AppError } from "../../../platform/errors.ts";
import type { V1Services } from "../../services.ts";

export const REGISTRATION_PATH = "/v1/oauth-clients/register";

type RegistrationErrorCode =
  | "invalid_redirect_uri"
  | "invalid_client_metadata"
  | "invalid_token"
  | "insufficient_scope";

class RegistrationError extends Error {
  constructor(
    readonly status: number,
    readonly code: RegistrationErrorCode,
    readonly description: string,
  ) {
    super(description);
  }
}

const metadataError = (description: string) =>
  new RegistrationError(400, "invalid_client_metadata", description);

function sameToken(expected: string, presented: string): boolean {
  const a = createHash("sha256").update(expected).digest();
  const b = createHash("sha256").update(presented).digest();
  return timingSafeEqual(a, b);
}

function stringList(metadata: Record<string, unknown>, field: string): string[] | undefined {
  const value = metadata[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw field.endsWith("redirect_uris")
      ? new RegistrationError(400, "invalid_redirect_uri", `${field} must be an array of strings`)
      : metadataError(`${field} must be an array of strings`);
  }
  return value;
}

function optionalString(metadata: Record<string, unknown>, field: string): string | undefined {
  const value = metadata[field];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw metadataError(`${field} must be a string`);
  return value;
}

/** RFC 7591 metadata → the store's input. Unknown metadata is ignored (RFC 7591 §2). */
function decode(metadata: Record<string, unknown>): CreateOAuthClientInput {
  const responseTypes = stringList(metadata, "response_types");
  if (responseTypes?.some((type) => type !== "code")) {
    throw metadataError("response_types: only code is supported (the authorization code flow)");
  }
  // RFC 7591 §2: without token_endpoint_auth_method the client uses client_secret_basic.
  const method = optionalString(metadata, "token_endpoint_auth_method") ?? "client_secret_basic";
  const scope = optionalString(metadata, "scope");
  const firstParty = metadata.first_party;
  if (firstParty !== undefined && typeof firstParty !== "boolean") {
    throw metadataError("first_party must be a boolean");
  }
  const jwksUri = optionalString(metadata, "jwks_uri");
  return {
    name: optionalString(metadata, "client_name") ?? "Dynamically registered client",
    type: method === "none" ? "public" : "confidential",
    tokenEndpointAuthMethod: method,
    redirectUris: stringList(metadata, "redirect_uris"),
    postLogoutRedirectUris: stringList(metadata, "post_logout_redirect_uris"),
    grantTypes: stringList(metadata, "grant_types"),
    scopes: scope === undefined ? undefined : scope.split(" ").filter(Boolean),
    ...(metadata.jwks !== undefined ? { jwks: metadata.jwks } : {}),
    ...(jwksUri !== undefined ? { jwksUri } : {}),
    firstParty: firstParty === true,
  };
}

/** The store's refusals (invalid_request naming a field) in RFC 7591's words. */
function translate(error: unknown): RegistrationError | undefined {
  if (error instanceof RegistrationError) return error;
  if (!(error instanceof AppError) || error.code !== "invalid_request") return undefined;
  const field = error.details?.field;
  const code =
    field === "redirect_uris" || field === "post_logout_redirect_uris"
      ? "invalid_redirect_uri"
      : "invalid_client_metadata";
  return new RegistrationError(400, code, error.message);
}

export function oauthClientRegistrationModule(services: V1Services, registrationToken: string | undefined) {
  const { oauthClients, tenants, resolvePrincipal } = services;

  async function registrar(headers: Headers): Promise<Registrar> {
    const authorization = headers.get("authorization") ?? "";
    const bearer = /^Bearer (.+)$/i.exec(authorization)?.[1]?.trim();
    const client = clientOf(headers);
    if (bearer && registrationToken && sameToken(registrationToken, bearer)) {
      return { actorType: "system", actorId: null, ...client };
    }
    const principal = await resolvePrincipal(headers).catch(() => null);
    if (principal?.kind === "user" && principal.isPlatformAdmin) {
      return { actorType: "user", actorId: principal.userId, ...client };
    }
    if (principal) {
      throw new RegistrationError(403, "insufficient_scope", "Only platform administrators register clients");
    }
    throw new RegistrationError(
      401,
      "invalid_token",
      "An initial access token or an admin credential is required",
    );
  }

  return new Elysia({ name: "oauth-client-registration" }).post(
    REGISTRATION_PATH,
    async ({ body, request, set }) => {
      try {
        const by = await registrar(request.headers);
        const metadata = body as Record<string, unknown>;
        const tenantRef = optionalString(metadata, "tenant_id") ?? DEFAULT_TENANT_SLUG;
        const tenant = await tenants.findTenant(tenantRef);
        if (!tenant) throw metadataError(`tenant_id: no tenant ${tenantRef}`);
        const { client, secret } = await oauthClients.register(tenant.id, decode(metadata), by);
        const provider = await oauthClients.findForProvider(client.id);
        set.status = 201;
        return {
          ...provider,
          ...(secret ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
          client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000),
        };
      } catch (error) {
        const refusal = translate(error);
        if (!refusal) throw error;
        set.status = refusal.status;
        if (refusal.status === 401 || refusal.status === 403) {
          set.headers["www-authenticate"] = `Bearer error="${refusal.code}"`;
        }
        return { error: refusal.code, error_description: refusal.description };
      }
    },
    {
      body: t.Record(t.String(), t.Unknown(), {
        description:
          "RFC 7591 client metadata: redirect_uris, post_logout_redirect_uris, grant_types, response_types, " +
          "token_endpoint_auth_method, client_name, scope, jwks, jwks_uri; plus tenant_id (id or slug) and " +
          "first_party",
      }),
      response: {
        201: t.Record(t.String(), t.Unknown(), {
          description: "The client's metadata with client_id (RFC 7591 §3.2.1)",
        }),
        400: t.Object({ error: t.String(), error_description: t.String() }),
        401: t.Object({ error: t.String(), error_description: t.String() }),
        403: t.Object({ error: t.String(), error_description: t.String() }),
      },
      detail: { tags: ["Users"], summary: "Dynamic client registration (RFC 7591)" },
    },
  );
}
