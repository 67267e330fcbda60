/** Organizations: Gatehouse's tenants, with members, roles and invitations. */
import { organization } from "better-auth/plugins";
import type { PluginDeps } from "./index.ts";

export function organizationPlugin({ config, sendMail }: PluginDeps) {
  return organization({
    creatorRole: "owner",
    sendInvitationEmail: ({ email, organization: org, inviter, id }) => {
      const url = `${config.baseUrl}/api/auth/organization/get-invitation?id=${encodeURIComponent(id)}`;
      return sendMail({
        to: email,
        subject: `You are invited to join ${org.name}`,
        text: `${inviter.user.name} invited you to join ${org.name}.\n\nInvitation: ${url}\n`,
        html: `<p>${inviter.user.name} invited you to join ${org.name}.</p><p><a href="${url}">Invitation</a></p>`,
      });
    },
  });
}
