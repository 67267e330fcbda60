/** The social and OIDC providers this server is configured with, as /sign-in and /account offer them. */
import type { Config } from "../../config.ts";

export interface Provider {
  readonly id: string;
  readonly name: string;
}

/** Display names of the built-in social providers (product names); an OIDC provider shows its configured id. */
const NAMES: Readonly<Record<string, string>> = {
  google: "Google",
  github: "GitHub",
  microsoft: "Microsoft",
  apple: "Apple",
  facebook: "Facebook",
  discord: "Discord",
  gitlab: "GitLab",
  linkedin: "LinkedIn",
  twitter: "X",
};

export function providerName(id: string): string {
  return NAMES[id] ?? id;
}

export function configuredProviders(config: Config): Provider[] {
  return [
    ...Object.keys(config.socialProviders).map((id) => ({ id, name: providerName(id) })),
    ...config.oidcProviders.map((provider) => ({ id: provider.id, name: provider.id })),
  ];
}
