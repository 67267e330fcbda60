/**
 * The admin console at /admin, part of the hosted pages surface (its layout, CSRF token, policy and error
 * renderer): users, global roles, tenants with their members, roles, Cedar rules, API keys and OAuth clients,
 * the audit trail and health. It calls the same identity core as /v1 with the same Actor (access.ts), so it can
 * never allow what the API refuses.
 */
import { join } from "node:path";
import { Elysia } from "elysia";
import type { HealthDeps } from "../../ops/health/service.ts";
import type { Pages } from "../context.ts";
import { type AdminServices, createAccess } from "./access.ts";
import { apiKeyPages } from "./api-keys.ts";
import { auditPages } from "./audit.ts";
import { createHandlers } from "./handler.ts";
import { impersonationPages } from "./impersonation.ts";
import { memberPages } from "./members.ts";
import { oauthClientPages } from "./oauth-clients.ts";
import { overviewPages } from "./overview.ts";
import { rolePages } from "./roles.ts";
import { rulesPages } from "./rules.ts";
import { ADMIN_CSS, ADMIN_PAGE_DETAIL } from "./shell.ts";
import { tenantsPages } from "./tenants.ts";
import { userDetailPages } from "./user-detail.ts";
import { usersPages } from "./users.ts";

// An hour, as the pages' own assets (src/http/pages/assets.ts): they change only with a release.
const CACHE = "public, max-age=3600";
const STYLESHEET = join(import.meta.dir, "assets", "admin.css");

export function adminPages(pages: Pages, services: AdminServices, healthDeps: HealthDeps) {
  const handlers = createHandlers(pages, createAccess(pages, services));
  return new Elysia({ name: "admin-console", detail: ADMIN_PAGE_DETAIL })
    .get(
      ADMIN_CSS,
      () =>
        new Response(Bun.file(STYLESHEET), {
          headers: { "content-type": "text/css; charset=utf-8", "cache-control": CACHE },
        }),
      { detail: ADMIN_PAGE_DETAIL },
    )
    .use(overviewPages(services, handlers, healthDeps))
    .use(usersPages(services, handlers))
    .use(userDetailPages(services, handlers))
    .use(impersonationPages(pages))
    .use(tenantsPages(services, handlers))
    .use(memberPages(services, handlers))
    .use(rolePages(services, handlers))
    .use(rulesPages(services, handlers))
    .use(apiKeyPages(services, handlers))
    .use(oauthClientPages(services, handlers))
    .use(auditPages(services, handlers));
}
