/**
 * /admin/users: every account (the list of the `default` tenant, which every account belongs to) and the
 * creation of one, through the account service's createAccount as GeoLens and Hasura create one — the same
 * identifier, password and role rules, decided by Cedar for the caller.
 */
import { Elysia } from "elysia";
import { DEFAULT_TENANT_SLUG } from "../../../identity/tenants/service.ts";
import { button, type FormState, field, formMessages, postForm } from "../components.ts";
import type { PageContext } from "../context.ts";
import { formValues, missingFields } from "../form-errors.ts";
import { type Html, html } from "../html.ts";
import type { AdminServices, Operator } from "./access.ts";
import type { Handlers } from "./handler.ts";
import { ADMIN_PAGE_DETAIL, adminPage, attempt, refusalAlert, refusalText } from "./shell.ts";
import { filtersOf, listUsers, userListSection } from "./user-list.ts";

const CREATE_FIELDS = ["email", "name", "username", "phoneNumber", "password", "globalRole"] as const;

/** Field of the form a refusal of createAccount is about (the core names it in `details.field` or by code). */
const FIELD_OF: Readonly<Record<string, string>> = {
  email_exists: "email",
  username_exists: "username",
  phone_exists: "phoneNumber",
  invalid_phone_number: "phoneNumber",
  password_too_common: "password",
  password_contains_identifier: "password",
};

export function usersPages(services: AdminServices, handlers: Handlers) {
  const createForm = (
    ctx: PageContext,
    operator: Operator,
    roles: readonly string[],
    state: FormState = {},
    alert: Html | false = false,
  ) => {
    const { t } = ctx;
    const chosen = state.values?.globalRole ?? "user";
    return adminPage(
      ctx,
      operator,
      "users",
      t("admin.users.createTitle"),
      html`${alert}${formMessages(state)}${postForm(
        ctx,
        "/admin/users/new",
        html`${field({ name: "email", label: t("admin.users.email"), type: "email", autocomplete: "off" }, state)}
${field({ name: "name", label: t("admin.users.name"), autocomplete: "off" }, state)}
${field({ name: "username", label: t("admin.users.username"), autocomplete: "off" }, state)}
${field({ name: "phoneNumber", label: t("admin.users.phone"), type: "tel", hint: t("admin.users.phoneHint") }, state)}
${field({ name: "password", label: t("admin.users.password"), type: "password", autocomplete: "new-password", hint: t("admin.users.passwordHint") }, state)}
<div class="field"><label for="f-globalRole">${t("admin.users.globalRole")}</label>
<select id="f-globalRole" name="globalRole">${roles.map((role) => html`<option value="${role}"${role === chosen ? html` selected` : ""}>${role}</option>`)}</select></div>
${button(t("admin.users.create"))}`,
      )}`,
    );
  };

  return new Elysia({ name: "admin-users", detail: ADMIN_PAGE_DETAIL })
    .get("/admin/users", ({ request }) =>
      handlers.page(request, async ({ ctx, operator }) => {
        const tenantCtx = await handlers.access.tenantContext(request, DEFAULT_TENANT_SLUG);
        const filters = filtersOf(ctx.url);
        const result = await attempt(() => listUsers(services, tenantCtx, filters));
        const roles = (await services.tenants.listRoles(tenantCtx.tenant.id)).map((role) => role.name);
        const { t } = ctx;
        const body = result.ok
          ? userListSection(ctx, "/admin/users", filters, result.value, roles, (u) => `/admin/users/${u.id}`)
          : refusalAlert(ctx, result.error);
        const status = result.ok ? 200 : result.error.status;
        return handlers.pages.page(
          ctx,
          adminPage(
            ctx,
            operator,
            "users",
            t("admin.users.title"),
            html`<p class="actions"><a class="button button--secondary" href="/admin/users/new">${t("admin.users.createTitle")}</a></p>${body}`,
          ),
          { status },
        );
      }),
    )
    .get("/admin/users/new", ({ request }) =>
      handlers.page(request, async ({ ctx, operator }) => {
        await handlers.access.tenantContext(request, DEFAULT_TENANT_SLUG);
        return handlers.pages.page(ctx, createForm(ctx, operator, await services.globalRoles.list()));
      }),
    )
    .post("/admin/users/new", ({ request, body }) =>
      handlers.form(request, body, async ({ ctx, operator }) => {
        const tenantCtx = await handlers.access.tenantContext(request, DEFAULT_TENANT_SLUG);
        const roles = await services.globalRoles.list();
        const values = formValues(body, CREATE_FIELDS);
        const { password: _password, ...keep } = values;
        const input = (name: string) => values[name]?.trim() || undefined;
        if (!input("email") && !input("username") && !input("phoneNumber")) {
          const errors = { email: ctx.t("admin.users.identifierRequired") };
          return handlers.pages.page(ctx, createForm(ctx, operator, roles, { values: keep, errors }), {
            status: 400,
          });
        }
        const missing = missingFields(ctx, values, ["password"]);
        if (missing) {
          return handlers.pages.page(
            ctx,
            createForm(ctx, operator, roles, { values: keep, errors: missing }),
            {
              status: 400,
            },
          );
        }
        const result = await attempt(() =>
          services.accounts.createAccount(
            { ...tenantCtx },
            {
              email: input("email") ?? null,
              username: input("username") ?? null,
              phoneNumber: input("phoneNumber") ?? null,
              name: input("name") ?? "",
              password: values.password ?? "",
              globalRoles: [input("globalRole") ?? "user"],
              active: true,
            },
          ),
        );
        if (result.ok) return handlers.pages.redirect(ctx, `/admin/users/${result.value.id}?created=1`);
        const fieldName = FIELD_OF[result.error.code] ?? result.error.details?.field;
        const onField =
          typeof fieldName === "string" && (CREATE_FIELDS as readonly string[]).includes(fieldName);
        const state: FormState = onField
          ? { values: keep, errors: { [fieldName]: refusalText(ctx, result.error).message } }
          : { values: keep };
        return handlers.pages.page(
          ctx,
          createForm(ctx, operator, roles, state, !onField && refusalAlert(ctx, result.error)),
          { status: result.error.status },
        );
      }),
    );
}
