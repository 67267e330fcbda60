/** Generic OIDC providers from configuration (discovery by issuer URL, authorization code + PKCE). */
import { genericOAuth } from "better-auth/plugins";
import type { PluginDeps } from "./deps.ts";

export function socialPlugins({ config }: PluginDeps) {
  if (config.oidcProviders.length === 0) return [];
  return [
    genericOAuth({
      config: config.oidcProviders.map((provider) => ({
        providerId: provider.id,
        discoveryUrl: `${provider.issuer}/.well-known/openid-configuration`,
        clientId: provider.clientId,
        clientSecret: provider.clientSecret,
        scopes: [...provider.scopes],
        pkce: true,
      })),
    }),
  ];
}
