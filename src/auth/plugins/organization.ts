/** Organizations: Gatehouse's tenants, with members, roles and invitations. */
import { organization } from "better-auth/plugins";
import { renderLinkMail } from "../../infra/mail/templates.ts";
import type { PluginDeps } from "./index.ts";

export function organizationPlugin({ config, sendMail }: PluginDeps) {
  return organization({
    creatorRole: "owner",
    sendInvitationEmail: ({ email, organization: org, inviter, id }) => {
      const url = `${config.baseUrl}/api/auth/organization/get-invitation?id=${encodeURIComponent(id)}`;
      return sendMail(
        renderLinkMail("invitation", email, url, { organization: org.name, inviter: inviter.user.name }),
      );
    },
  });
}
