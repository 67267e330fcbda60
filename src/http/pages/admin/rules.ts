/**
 * /admin/tenants/:tenant/rules: the tenant's own Cedar rules, as /v1/policies keeps them — listed, added (the
 * policy service validates each against the schema and refuses, with Cedar's messages, a rule that does not
 * validate or would lock the owner out), switched off and on, removed — and a "would this be allowed?" tester,
 * which asks the same guard every /v1 request goes through (src/identity/guard.ts) about one member and one
 * action on the tenant, and shows the decision with the notices of the rules that made it.
 */
import { Elysia } from "elysia";
import type { AuthzAction, AuthzRequest } from "../../../authz/model.ts";
import { auditBy } from "../../../identity/audit/actor.ts";
import type { V1Context } from "../../../identity/context.ts";
import type { PolicyRule } from "../../../identity/policies/service.ts";
import { button, type FormState, formMessages, hidden, postForm } from "../components.ts";
import type { PageContext } from "../context.ts";
import { formValues } from "../form-errors.ts";
import { type Html, html } from "../html.ts";
import { type AdminServices, headersFor, type Operator } from "./access.ts";
import type { AdminRequest, Handlers } from "./handler.ts";
import { ADMIN_PAGE_DETAIL, adminPage, attempt, refusalAlert, refusalText } from "./shell.ts";
import { tenantNav, tenantPath } from "./tenants.ts";

/** Actions on the tenant as a whole that the tester can ask about (those with a Tenant resource). */
const TESTABLE = [
  "users.list",
  "users.create",
  "roles.list",
  "roles.create",
  "policies.list",
  "policies.create",
  "apiKeys.list",
  "apiKeys.create",
  "audit.list",
] as const satisfies readonly AuthzAction[];
type Testable = (typeof TESTABLE)[number];

const RULE_FIELDS = ["policy", "notice", "description"] as const;
const TEST_FIELDS = ["email", "action", "roles"] as const;

type Verdict = { readonly allowed: boolean; readonly notices: readonly string[]; readonly who: string };

function testRequest(action: Testable, tenantId: string, roles: readonly string[]) {
  return (principal: AuthzRequest["principal"]): AuthzRequest => {
    const resource = { type: "Tenant" as const, id: tenantId };
    switch (action) {
      case "users.create":
      case "apiKeys.create":
        return { principal, action, resource, context: { roles } };
      case "roles.create":
        return { principal, action, resource, context: { role: roles[0] ?? "" } };
      default:
        return { principal, action, resource };
    }
  };
}

export function rulesPages(services: AdminServices, handlers: Handlers) {
  const { pages } = handlers;

  function rulesPage(
    ctx: PageContext,
    operator: Operator,
    tenant: { id: string; name: string },
    rules: readonly PolicyRule[],
    parts: { state?: FormState; alert?: Html | false; testState?: FormState; verdict?: Verdict } = {},
  ) {
    const { t } = ctx;
    const base = tenantPath(tenant.id, "/rules");
    const state = parts.state ?? {};
    const test = parts.testState ?? {};
    const verdict = parts.verdict;
    return adminPage(
      ctx,
      operator,
      "tenants",
      t("admin.rules.title", { name: tenant.name }),
      html`${tenantNav(ctx, tenant.id, "rules")}
${
  rules.length === 0
    ? html`<p>${t("admin.rules.none")}</p>`
    : html`<div class="table-wrap" tabindex="0" role="region" aria-label="${ctx.t("admin.common.table")}"><table><thead><tr><th scope="col">${t("admin.rules.policy")}</th><th scope="col">${t("admin.rules.notice")}</th><th scope="col">${t("admin.rules.state")}</th><th scope="col"><span class="visually-hidden">${t("admin.user.actions")}</span></th></tr></thead><tbody>
${rules.map(
  (
    rule,
  ) => html`<tr><td><code>${rule.text}</code>${rule.description && html`<p class="field-hint">${rule.description}</p>`}</td><td>${rule.notice ?? "—"}</td>
<td>${rule.enabled ? t("admin.rules.enabled") : t("admin.rules.disabled")}</td>
<td>${postForm(ctx, `${base}/${encodeURIComponent(rule.id)}/toggle`, html`${hidden("enabled", rule.enabled ? "false" : "true")}<button type="submit" class="button button--secondary button--small">${rule.enabled ? t("admin.rules.disable") : t("admin.rules.enable")}</button>`, "inline-form")}
${postForm(ctx, `${base}/${encodeURIComponent(rule.id)}/delete`, html`<button type="submit" class="button button--secondary button--small">${t("admin.rules.delete")}</button>`, "inline-form")}</td></tr>`,
)}</tbody></table></div>`
}
<section class="panel" aria-labelledby="new-rule"><h2 id="new-rule">${t("admin.rules.add")}</h2>
${parts.alert}${formMessages(state)}${postForm(
  ctx,
  base,
  html`<div class="field${state.errors?.policy ? " field--invalid" : ""}"><label for="f-policy">${t("admin.rules.policy")}</label>
<p class="field-hint" id="f-policy-hint">${t("admin.rules.policyHint")}</p>
<textarea id="f-policy" name="policy" rows="5" aria-describedby="f-policy-hint${state.errors?.policy ? " f-policy-error" : ""}"${state.errors?.policy ? html` aria-invalid="true"` : ""}>${state.values?.policy ?? ""}</textarea>
${state.errors?.policy && html`<p class="field-error" id="f-policy-error">${state.errors.policy}</p>`}</div>
<div class="field"><label for="f-notice">${t("admin.rules.notice")}</label><p class="field-hint" id="f-notice-hint">${t("admin.rules.noticeHint")}</p><input id="f-notice" name="notice" maxlength="500" aria-describedby="f-notice-hint" value="${state.values?.notice ?? ""}"></div>
<div class="field"><label for="f-description">${t("admin.rules.description")}</label><input id="f-description" name="description" maxlength="500" value="${state.values?.description ?? ""}"></div>
${button(t("admin.rules.add"))}`,
)}</section>
<section class="panel" aria-labelledby="tester"><h2 id="tester">${t("admin.rules.tester")}</h2>
<p>${t("admin.rules.testerIntro")}</p>
${formMessages(test)}
${
  verdict &&
  html`<div class="alert ${verdict.allowed ? "alert--info" : "alert--error"}" role="status" data-testid="verdict"><p>${verdict.allowed ? t("admin.rules.allowed", { who: verdict.who }) : t("admin.rules.denied", { who: verdict.who })}</p>${
    verdict.notices.length > 0 &&
    html`<ul class="notices">${verdict.notices.map((n) => html`<li>${n}</li>`)}</ul>`
  }</div>`
}
${postForm(
  ctx,
  `${base}/test`,
  html`<div class="field${test.errors?.email ? " field--invalid" : ""}"><label for="t-email">${t("admin.rules.testEmail")}</label><input id="t-email" name="email" type="email" value="${test.values?.email ?? ""}"${test.errors?.email ? html` aria-invalid="true" aria-describedby="t-email-error"` : ""}>${test.errors?.email && html`<p class="field-error" id="t-email-error">${test.errors.email}</p>`}</div>
<div class="field"><label for="t-action">${t("admin.rules.testAction")}</label><select id="t-action" name="action">${TESTABLE.map((a) => html`<option value="${a}"${test.values?.action === a ? html` selected` : ""}>${a}</option>`)}</select></div>
<div class="field"><label for="t-roles">${t("admin.rules.testRoles")}</label><p class="field-hint" id="t-roles-hint">${t("admin.rules.testRolesHint")}</p><input id="t-roles" name="roles" aria-describedby="t-roles-hint" value="${test.values?.roles ?? ""}"></div>
${button(t("admin.rules.test"), "secondary")}`,
)}</section>`,
    );
  }

  async function withRules(request: Request, tenant: string) {
    const ctx = await services.authorizeOnTenant(headersFor(request, tenant), "policies.list");
    return { tenantCtx: ctx, rules: await services.policies.list(ctx.tenant.id) };
  }

  const show = async (
    r: AdminRequest,
    tenant: string,
    parts: Parameters<typeof rulesPage>[4] = {},
    status = 200,
  ) => {
    const { tenantCtx, rules } = await withRules(r.request, tenant);
    return pages.page(r.ctx, rulesPage(r.ctx, r.operator, tenantCtx.tenant, rules, parts), { status });
  };

  /** Records a change of a rule in the audit trail, as /v1/policies does. */
  const record = (ctx: V1Context, type: "policy.created" | "policy.updated" | "policy.deleted", id: string) =>
    services.audit.record({ ...auditBy(ctx), type, subjectType: "policy", subjectId: id });

  return new Elysia({ name: "admin-rules", detail: ADMIN_PAGE_DETAIL })
    .get("/admin/tenants/:tenant/rules", ({ request, params }) =>
      handlers.page(request, (r) => show(r, params.tenant)),
    )
    .post("/admin/tenants/:tenant/rules", ({ request, params, body }) =>
      handlers.form(request, body, async (r) => {
        const values = formValues(body, RULE_FIELDS);
        if (!values.policy?.trim()) {
          return show(
            r,
            params.tenant,
            { state: { values, errors: { policy: r.ctx.t("pages.common.required") } } },
            400,
          );
        }
        const ctx = await services.authorizeOnTenant(headersFor(request, params.tenant), "policies.create");
        const result = await attempt(() =>
          services.policies.create(ctx.tenant.id, {
            policy: values.policy ?? "",
            notice: values.notice?.trim() || null,
            description: values.description?.trim() || null,
          }),
        );
        if (!result.ok) {
          const { message } = refusalText(r.ctx, result.error);
          const state = { values, errors: { policy: message } };
          return show(
            r,
            params.tenant,
            { state, alert: refusalAlert(r.ctx, result.error) },
            result.error.status,
          );
        }
        await record(ctx, "policy.created", result.value.id);
        return pages.redirect(r.ctx, tenantPath(ctx.tenant.id, "/rules"));
      }),
    )
    .post("/admin/tenants/:tenant/rules/:id/toggle", ({ request, params, body }) =>
      handlers.form(request, body, async (r) => {
        const ctx = await services.resolveContext(headersFor(request, params.tenant));
        const rule = await services.policies.get(ctx.tenant.id, params.id);
        await services.authorize(ctx, (actor) => ({
          principal: actor,
          action: "policies.update",
          resource: { type: "Policy", id: rule.id, tenantId: ctx.tenant.id },
        }));
        const enabled = formValues(body, ["enabled"]).enabled === "true";
        const result = await attempt(() => services.policies.update(ctx.tenant.id, rule.id, { enabled }));
        if (!result.ok)
          return show(r, params.tenant, { alert: refusalAlert(r.ctx, result.error) }, result.error.status);
        await record(ctx, "policy.updated", rule.id);
        return pages.redirect(r.ctx, tenantPath(ctx.tenant.id, "/rules"));
      }),
    )
    .post("/admin/tenants/:tenant/rules/:id/delete", ({ request, params, body }) =>
      handlers.form(request, body, async (r) => {
        const ctx = await services.resolveContext(headersFor(request, params.tenant));
        const rule = await services.policies.get(ctx.tenant.id, params.id);
        await services.authorize(ctx, (actor) => ({
          principal: actor,
          action: "policies.delete",
          resource: { type: "Policy", id: rule.id, tenantId: ctx.tenant.id },
        }));
        await services.policies.remove(ctx.tenant.id, rule.id);
        await record(ctx, "policy.deleted", rule.id);
        return pages.redirect(r.ctx, tenantPath(ctx.tenant.id, "/rules"));
      }),
    )
    .post("/admin/tenants/:tenant/rules/test", ({ request, params, body }) =>
      handlers.form(request, body, async (r) => {
        const { tenantCtx } = await withRules(request, params.tenant);
        const values = formValues(body, TEST_FIELDS);
        const action = (TESTABLE as readonly string[]).includes(values.action ?? "")
          ? (values.action as Testable)
          : "users.list";
        const roles = (values.roles ?? "")
          .split(",")
          .map((role) => role.trim())
          .filter(Boolean);
        const account = values.email?.trim()
          ? await services.accounts.findAccount({ email: values.email.trim() })
          : null;
        const membership = account
          ? await services.tenants.membership(tenantCtx.tenant.id, account.id)
          : null;
        if (!account || (!membership && !account.isPlatformAdmin)) {
          const testState = { values, errors: { email: r.ctx.t("admin.rules.notMember") } };
          return show(r, params.tenant, { testState }, 400);
        }
        const asked: V1Context = {
          principal: null,
          tenant: tenantCtx.tenant,
          actor: {
            type: "User",
            id: account.id,
            tenantId: membership && membership.status !== "suspended" ? tenantCtx.tenant.id : "",
            roles: membership?.roles ?? [],
            isPlatformAdmin: account.isPlatformAdmin,
          },
        };
        const decision = await attempt(() =>
          services.authorize(asked, testRequest(action, tenantCtx.tenant.id, roles)),
        );
        const who = account.email ?? account.id;
        const verdict: Verdict = decision.ok
          ? { allowed: true, notices: [], who }
          : { allowed: false, notices: decision.error.notices ?? [], who };
        return show(r, params.tenant, { verdict, testState: { values } });
      }),
    );
}
