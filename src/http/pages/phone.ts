/**
 * /sign-in/phone: a phone number, a code sent by SMS, then a session — better-auth's phone-number endpoints
 * (send-otp, verify), with their rules: E.164 numbers, a code valid for minutes and a few tries
 * (src/auth/plugins/phone-number.ts), sign-up on first verification only when sign-up is enabled.
 */
import { Elysia } from "elysia";
import { button, type FormState, field, formMessages, hidden, postForm } from "./components.ts";
import { PAGE_ROUTE, type PageContext, type Pages } from "./context.ts";
import { formValues, missingFields, refusedForm } from "./form-errors.ts";
import { html } from "./html.ts";
import { layout } from "./layout.ts";
import { DEFAULT_TARGET } from "./redirect-target.ts";
import { withTarget } from "./sign-in.ts";

const FIELDS = ["phoneNumber", "code", "redirect_to"] as const;

export function phonePages(pages: Pages) {
  function numberPage(ctx: PageContext, target: string | undefined, state: FormState = {}) {
    const { t } = ctx;
    return layout(
      ctx,
      t("pages.phone.title"),
      html`<p class="lead">${t("pages.phone.intro")}</p>
${formMessages(state)}
${postForm(
  ctx,
  "/sign-in/phone",
  html`${field({ name: "phoneNumber", label: t("pages.common.phone"), type: "tel", autocomplete: "tel", inputmode: "tel", required: true, autofocus: true, hint: "+49 30 1234567" }, state)}
${hidden("redirect_to", target)}
${button(t("pages.phone.sendCode"))}`,
)}
<ul class="links"><li><a href="${withTarget("/sign-in", target)}">${t("pages.phone.withPassword")}</a></li></ul>`,
    );
  }

  function codePage(
    ctx: PageContext,
    target: string | undefined,
    phoneNumber: string,
    state: FormState = {},
  ) {
    const { t } = ctx;
    return layout(
      ctx,
      t("pages.phone.title"),
      html`${formMessages(state)}
${postForm(
  ctx,
  "/sign-in/phone/verify",
  html`${field({ name: "code", label: t("pages.phone.code"), autocomplete: "one-time-code", inputmode: "numeric", required: true, autofocus: true }, state)}
${hidden("phoneNumber", phoneNumber)}
${hidden("redirect_to", target)}
${button(t("pages.phone.submit"))}`,
)}
<ul class="links"><li><a href="${withTarget("/sign-in/phone", target)}">${t("pages.phone.sendCode")}</a></li></ul>`,
    );
  }

  /** "+49 30 1234567" as typed → "+49301234567" (E.164 has no separators). */
  const normalise = (phone: string) => phone.replace(/[\s().-]/g, "");

  return new Elysia({ name: "pages-phone", detail: PAGE_ROUTE })
    .get("/sign-in/phone", async ({ request, query }) => {
      const ctx = await pages.context(request);
      return pages.page(ctx, numberPage(ctx, await pages.target(query.redirect_to)));
    })
    .post("/sign-in/phone", async ({ request, body }) => {
      const ctx = await pages.context(request);
      const values = formValues(body, FIELDS);
      const target = await pages.target(values.redirect_to);
      const keep = { phoneNumber: values.phoneNumber ?? "" };
      if (!pages.csrfOk(ctx, body)) {
        return pages.page(
          ctx,
          numberPage(ctx, target, { values: keep, formError: ctx.t("pages.common.formExpired") }),
          {
            status: 403,
          },
        );
      }
      const errors = missingFields(ctx, values, ["phoneNumber"]);
      if (errors) return pages.page(ctx, numberPage(ctx, target, { values: keep, errors }), { status: 400 });
      const phoneNumber = normalise(values.phoneNumber ?? "");
      const answer = await pages.callAuth(request, "/phone-number/send-otp", { body: { phoneNumber } });
      if (!answer.ok) {
        return pages.page(ctx, numberPage(ctx, target, refusedForm(ctx, answer, keep, ["phoneNumber"])), {
          status: answer.status,
        });
      }
      const notice = ctx.t("pages.phone.codeSent", { phone: phoneNumber });
      return pages.page(ctx, codePage(ctx, target, phoneNumber, { notice }));
    })
    .post("/sign-in/phone/verify", async ({ request, body }) => {
      const ctx = await pages.context(request);
      const values = formValues(body, FIELDS);
      const target = await pages.target(values.redirect_to);
      const phoneNumber = normalise(values.phoneNumber ?? "");
      if (!pages.csrfOk(ctx, body)) {
        return pages.page(
          ctx,
          codePage(ctx, target, phoneNumber, { formError: ctx.t("pages.common.formExpired") }),
          {
            status: 403,
          },
        );
      }
      const errors = missingFields(ctx, values, ["code"]);
      if (errors) return pages.page(ctx, codePage(ctx, target, phoneNumber, { errors }), { status: 400 });
      const answer = await pages.callAuth(request, "/phone-number/verify", {
        body: { phoneNumber, code: (values.code ?? "").trim() },
      });
      if (!answer.ok) {
        return pages.page(ctx, codePage(ctx, target, phoneNumber, refusedForm(ctx, answer, {}, ["code"])), {
          status: answer.status,
        });
      }
      if (answer.body?.twoFactorRedirect === true) {
        return pages.redirect(ctx, withTarget("/sign-in/two-factor", target), answer.cookies);
      }
      return pages.redirect(ctx, target ?? DEFAULT_TARGET, answer.cookies);
    });
}
