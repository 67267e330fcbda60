/** The revoke form of /account's "Connected applications" (connected-apps.ts renders the section). */
import { Elysia } from "elysia";
import { clientOf } from "../../../identity/audit/actor.ts";
import { formValues } from "../form-errors.ts";
import { type AccountActions, PAGE } from "./actions.ts";
import { type ConnectedApps, REVOKE_APP_PATH } from "./connected-apps.ts";

/** POST /account/connected-apps/revoke: `client` names the application; only the signed-in account's grants. */
export function connectedAppsRoutes(actions: AccountActions, apps: ConnectedApps | undefined) {
  return new Elysia({ name: "pages-account-connected-apps" }).post(
    REVOKE_APP_PATH,
    ({ request, body }) =>
      actions.act(request, body, "connectedApps", async ({ ctx, data }) => {
        const { client = "" } = formValues(body, ["client"]);
        const revoked = apps ? await apps.revoke(data.user.id, client, clientOf(request.headers)) : false;
        if (revoked) return { done: "app-revoked" };
        return { state: { formError: ctx.t("accountPage.connectedApps.notFound") }, status: 404 };
      }),
    PAGE,
  );
}
