/**
 * Organizations: Gatehouse's tenants, with members, roles (owner, admin, user — organization-roles.ts) and
 * invitations sent by mail.
 */
import { APIError, createAuthMiddleware } from "better-auth/api";
import { organization } from "better-auth/plugins";
import type { Config } from "../../config.ts";
import { recipientLocale } from "../../i18n/negotiate.ts";
import { renderLinkMail } from "../../i18n/templates.ts";
import type { PluginDeps } from "./deps.ts";
import {
  CREATOR_ROLE,
  DEFAULT_MEMBER_ROLE,
  isTenantRole,
  tenantAc,
  tenantRoleName,
  tenantRoles,
} from "./organization-roles.ts";
import { refuseSecondMembership } from "./single-use.ts";

/** An invitation is a credential to join a tenant: two days to answer is better-auth's default and enough. */
const INVITATION_TTL_SECONDS = 2 * 24 * 60 * 60;

interface HookContext {
  readonly path?: string;
}

/** Endpoints whose body names the role(s) of a new or changed member. */
const ROLE_INPUT_PATHS = new Set([
  "/organization/invite-member",
  "/organization/add-member",
  "/organization/update-member-role",
]);
/** Of these, the ones that create a member and may leave the role out (then `user`). */
const ROLE_DEFAULT_PATHS = new Set(["/organization/invite-member", "/organization/add-member"]);

function roleList(role: unknown): string[] {
  const parts = Array.isArray(role) ? role : typeof role === "string" ? role.split(",") : [];
  return parts.flatMap((part) => (typeof part === "string" && part.trim() ? [part.trim()] : []));
}

function roleNotFound(message: string): APIError {
  return new APIError("BAD_REQUEST", { code: "ROLE_NOT_FOUND", message });
}

/**
 * Defaults a missing role to `user`, reads better-auth's `member` as `user` (organization-roles.ts) and refuses
 * any other role outside the tenant catalogue with ROLE_NOT_FOUND. better-auth alone would store `member` (a role
 * that grants nothing here) and answer other unknown roles with a message but no code. (Per-tenant custom roles,
 * once enabled, extend the catalogue checked here.)
 */
const tenantRoleInput = createAuthMiddleware(async (ctx) => {
  const body: unknown = ctx.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) return;
  const { role } = body as { role?: unknown };
  if (role === undefined || role === null) {
    if (ROLE_DEFAULT_PATHS.has(ctx.path))
      return { context: { body: { ...body, role: DEFAULT_MEMBER_ROLE } } };
    return;
  }
  if (typeof role !== "string" && !Array.isArray(role)) return; // the endpoint's schema refuses it
  const roles = roleList(role);
  if (roles.length === 0) throw roleNotFound("Role not found");
  const unknown = roles.filter((name) => !isTenantRole(tenantRoleName(name)));
  if (unknown.length > 0) throw roleNotFound(`Role not found: ${unknown.join(", ")}`);
  const stored = [...new Set(roles.map(tenantRoleName))];
  return { context: { body: { ...body, role: stored.length === 1 ? stored[0] : stored } } };
});

/** Columns of the member table a client may sort or filter list-members by. */
const MEMBER_FIELDS = new Set(["id", "organizationId", "userId", "role", "createdAt"]);

/** better-auth answers a sort or filter on an unknown member field with a 500; refuse it as a bad query. */
const memberListQuery = createAuthMiddleware(async (ctx) => {
  const query = (ctx.query ?? {}) as Record<string, unknown>;
  for (const key of ["sortBy", "filterField"] as const) {
    const field = query[key];
    if (typeof field === "string" && !MEMBER_FIELDS.has(field)) {
      throw new APIError("BAD_REQUEST", {
        code: "VALIDATION_ERROR",
        message: `[query.${key}] Unknown member field: expected one of ${[...MEMBER_FIELDS].join(", ")}`,
      });
    }
  }
});

/** The link of an invitation mail: the client app's accept page if configured, else Gatehouse's hosted one. */
export function invitationLink(config: Pick<Config, "baseUrl" | "invitationUrl">, id: string): string {
  const encoded = encodeURIComponent(id);
  if (config.invitationUrl) return config.invitationUrl.replaceAll("{id}", encoded);
  return `${config.baseUrl}/accept-invitation/${encoded}`;
}

export function organizationPlugin({ config, sendMail }: PluginDeps) {
  const plugin = organization({
    ac: tenantAc,
    roles: tenantRoles,
    creatorRole: CREATOR_ROLE,
    invitationExpiresIn: INVITATION_TTL_SECONDS,
    // better-auth demands a verified address before an invitation can be read, accepted or rejected whenever ids
    // come from a custom generator, as they might then be guessable; ours are random UUIDs (src/auth/index.ts),
    // which only the invitation mail reveals. So the sign-up policy decides: REQUIRE_EMAIL_VERIFICATION.
    // (Listing one's invitations by address, which needs no id, still requires a verified address.)
    requireEmailVerificationOnInvitation: config.requireEmailVerification,
    organizationHooks: { beforeAcceptInvitation: refuseSecondMembership },
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
        { matcher: (ctx: HookContext) => ROLE_INPUT_PATHS.has(ctx.path ?? ""), handler: tenantRoleInput },
        {
          matcher: (ctx: HookContext) => ctx.path === "/organization/list-members",
          handler: memberListQuery,
        },
      ],
    },
  };
}
