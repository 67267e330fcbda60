/**
 * oidc-provider's `findAccount`: the account as the account service sees it (src/identity/accounts/service.ts).
 * An account that is not active (banned, disabled, deleted) is not found, so its tokens stop working at
 * userinfo, refresh and introspection. The `tenant` scope's claims come from the membership in the client's
 * tenant (src/identity/tenants/service.ts).
 */
import type { Identity } from "../../identity/index.ts";
import { DEFAULT_TENANT_SLUG } from "../../identity/tenants/service.ts";

type Claims = Record<string, unknown> & { sub: string };

export const SCOPE_CLAIMS = {
  // amr and acr come from the login (interaction.ts), not the account: listed here so ID tokens carry them.
  openid: ["sub", "amr", "acr"],
  profile: ["name", "picture", "locale"],
  email: ["email", "email_verified"],
  phone: ["phone_number", "phone_number_verified"],
  tenant: ["tenant_id", "roles"],
} as const;

export function createAccountFinder(identity: Pick<Identity, "accounts" | "tenants">) {
  /** The tenant a client serves: its `tenant_id`, else `default`. */
  async function tenantOf(client: { tenant_id?: unknown } | undefined) {
    const key = typeof client?.tenant_id === "string" ? client.tenant_id : DEFAULT_TENANT_SLUG;
    return identity.tenants.findTenant(key);
  }

  async function findAccount(ctx: { oidc?: { client?: { tenant_id?: unknown } } }, sub: string) {
    const account = await identity.accounts.findAccount({ id: sub });
    if (!account?.active) return undefined;
    const client = ctx.oidc?.client;
    return {
      accountId: account.id,
      async claims(): Promise<Claims> {
        const tenant = await tenantOf(client);
        const member = tenant ? await identity.tenants.membership(tenant.id, account.id) : null;
        const raw = account as unknown as Record<string, unknown>;
        return {
          sub: account.id,
          ...(account.email ? { email: account.email, email_verified: account.emailVerified } : {}),
          ...(account.name ? { name: account.name } : {}),
          ...(account.image ? { picture: account.image } : {}),
          ...(typeof raw.locale === "string" ? { locale: raw.locale } : {}),
          ...(account.phoneNumber
            ? { phone_number: account.phoneNumber, phone_number_verified: raw.phoneNumberVerified === true }
            : {}),
          ...(tenant && member ? { tenant_id: tenant.id, roles: [...member.roles] } : {}),
        };
      },
    };
  }

  return { findAccount, tenantOf };
}
