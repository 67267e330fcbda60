/**
 * The hosted pages surface: server-rendered HTML forms over better-auth's endpoints (sign-in with password,
 * phone or a provider, the second factor, sign-up, password reset, e-mail verification, invitations,
 * sign-out), the language switcher and the static assets. Its error renderer answers every failure of a page
 * path as an HTML page (error-renderer.ts); `PAGE_PREFIXES` are the paths it owns for errors raised before a
 * route is chosen (src/http/pipeline/surface-router.ts).
 */
import { Elysia } from "elysia";
import type { ConnectedApps } from "./account/connected-apps.ts";
import { accountPages } from "./account/index.ts";
import { assetsModule } from "./assets.ts";
import { createPages, type PagesDeps } from "./context.ts";
import { pagesErrorRenderer } from "./error-renderer.ts";
import { invitationPages } from "./invitation.ts";
import { languagePages } from "./language.ts";
import { passwordPages } from "./password.ts";
import { phonePages } from "./phone.ts";
import { signInPages } from "./sign-in.ts";
import { signOutPages } from "./sign-out.ts";
import { signUpPages } from "./sign-up.ts";
import { verifyEmailPages } from "./verify-email.ts";

export const PAGE_PREFIXES = [
  "/sign-in",
  "/sign-up",
  "/sign-out",
  "/forgot-password",
  "/reset-password",
  "/verify-email",
  "/accept-invitation",
  "/account",
  "/admin",
  "/language",
  "/pages",
] as const;

/** `connectedApps`: the provider's grants, for /account's "Connected applications" (account/connected-apps.ts). */
export function createPagesSurface(deps: PagesDeps & { readonly connectedApps?: ConnectedApps }) {
  const pages = createPages(deps);
  const routes = new Elysia({ name: "pages" })
    .use(assetsModule(deps.config.brand))
    .use(languagePages(pages))
    .use(signInPages(pages))
    .use(phonePages(pages))
    .use(signUpPages(pages))
    .use(passwordPages(pages))
    .use(verifyEmailPages(pages))
    .use(invitationPages(pages))
    .use(signOutPages(pages))
    .use(accountPages(pages, deps.connectedApps));
  return { pages, routes, renderer: pagesErrorRenderer(pages) };
}
