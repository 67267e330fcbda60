/**
 * Organizations: Gatehouse's tenants, with members, roles (owner, admin, user — organization-roles.ts) and
 * invitations sent by mail.
 */
import { APIError, createAuthMiddleware } from "better-auth/api";
import { organization } from "better-auth/plugins";
import type { Config } from "../../config.ts";
import { recipientLocale } from "../../i18n/negotiate.ts";
import { renderLinkMail } from "../../infra/mail/templates.ts";
import type { PluginDeps } from "./index.ts";
import {
  CREATOR_ROLE,
  DEFAULT_MEMBER_ROLE,
  isTenantRole,
  tenantAc,
  tenantRoles,
} from "./organization-roles.ts";

/** An invitation is a credential to join a tenant: two days to answer is better-auth's default and enough. */
const INVITATION_TTL_SECONDS = 2 * 24 * 60 * 60;

/** Endpoints whose body names the role(s) of a new or changed member. */
const ROLE_INPUT_PATHS = new Set([
  "/organization/invite-member",
  "/organization/add-member",
  "/organization/update-member-role",
]);
/** Of these, the ones that create a member and may leave the role out (then `user`). */
const ROLE_DEFAULT_PATHS = new Set(["/organization/invite-member", "/organization/add-member"]);

/**
 * better-auth accepts its own default role names (`member`) even when custom roles replace them, which would
 * create members whose role grants nothing and is in no tenant's catalogue; refuse those as unknown roles.
 */
const BETTER_AUTH_ONLY_ROLES = new Set(["member"]);

function roleList(role: unknown): string[] {
  const parts = Array.isArray(role) ? role : typeof role === "string" ? role.split(",") : [];
  return parts.flatMap((part) => (typeof part === "string" && part.trim() ? [part.trim()] : []));
}

/** Defaults a missing role to `user` and refuses role names outside the tenant role catalogue. */
const tenantRoleInput = createAuthMiddleware(async (ctx) => {
  const body: unknown = ctx.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) return;
  const { role } = body as { role?: unknown };
  if ((role === undefined || role === null) && ROLE_DEFAULT_PATHS.has(ctx.path)) {
    return { context: { body: { ...body, role: DEFAULT_MEMBER_ROLE } } };
  }
  const foreign = roleList(role).filter((name) => BETTER_AUTH_ONLY_ROLES.has(name) && !isTenantRole(name));
  if (foreign.length > 0) {
    throw new APIError("BAD_REQUEST", {
      code: "ROLE_NOT_FOUND",
      message: `Role not found: ${foreign.join(", ")}`,
    });
  }
});

/** The link of an invitation mail: the client app's accept page if configured, else the get-invitation API. */
export function invitationLink(config: Pick<Config, "baseUrl" | "invitationUrl">, id: string): string {
  const encoded = encodeURIComponent(id);
  if (config.invitationUrl) return config.invitationUrl.replaceAll("{id}", encoded);
  return `${config.baseUrl}/api/auth/organization/get-invitation?id=${encoded}`;
}

export function organizationPlugin({ config, sendMail }: PluginDeps) {
  const plugin = organization({
    ac: tenantAc,
    roles: tenantRoles,
    creatorRole: CREATOR_ROLE,
    invitationExpiresIn: INVITATION_TTL_SECONDS,
    sendInvitationEmail: ({ email, organization: org, inviter, id }, request) =>
      sendMail(
        renderLinkMail("invitation", email, invitationLink(config, id), {
          organization: org.name,
          inviter: inviter.user.name,
          // The invitee may have no account yet: the inviter's request language is the best guess.
          locale: recipientLocale(null, request, config.defaultLocale),
        }),
      ),
  });
  return {
    ...plugin,
    hooks: {
      before: [
        {
          matcher: (ctx: { path?: string }) => ROLE_INPUT_PATHS.has(ctx.path ?? ""),
          handler: tenantRoleInput,
        },
      ],
    },
  };
}
