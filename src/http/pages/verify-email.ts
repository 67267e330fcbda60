/**
 * /verify-email: where the verification link lands. better-auth's link verifies the token and redirects here
 * (src/auth/index.ts names this page as its callbackURL), with `?error=TOKEN_EXPIRED` or another code when it
 * failed; a link straight to `/verify-email?token=…` is verified here, by the same endpoint. Without a
 * verified session the page offers to send the link again.
 */
import { Elysia } from "elysia";
import { cookiesAfter } from "./auth-call.ts";
import { button, type FormState, field, formMessages, postForm } from "./components.ts";
import { PAGE_ROUTE, type PageContext, type Pages } from "./context.ts";
import { formValues, missingFields, refusedForm } from "./form-errors.ts";
import { type Html, html } from "./html.ts";
import { layout } from "./layout.ts";
import { signedInUser } from "./session.ts";

type Outcome = "expired" | "invalid" | "ask";

export function verifyEmailPages(pages: Pages) {
  function verifiedPage(ctx: PageContext, email: string): Html {
    const { t } = ctx;
    return layout(
      ctx,
      t("pages.verify.verifiedTitle"),
      html`<p class="lead">${t("pages.verify.verified", { email })}</p>
<p><a class="button button--primary button--block" href="/account">${t("pages.common.continue")}</a></p>`,
    );
  }

  function sendAgainPage(ctx: PageContext, outcome: Outcome, state: FormState = {}): Html {
    const { t } = ctx;
    const title =
      outcome === "expired"
        ? t("pages.verify.expiredTitle")
        : outcome === "invalid"
          ? t("pages.verify.invalidTitle")
          : t("pages.verify.title");
    const why =
      outcome === "expired"
        ? t("pages.verify.expired")
        : outcome === "invalid"
          ? t("pages.verify.invalid")
          : "";
    return layout(
      ctx,
      title,
      html`${why && html`<p class="lead">${why}</p>`}
${formMessages(state)}
<h2>${t("pages.verify.sendAgain")}</h2>
<p class="lead">${t("pages.verify.sendAgainIntro")}</p>
${postForm(
  ctx,
  "/verify-email",
  html`${field({ name: "email", label: t("pages.common.email"), type: "email", autocomplete: "email", required: true }, state)}
${button(t("pages.verify.sendAgain"))}`,
)}
<ul class="links"><li><a href="/sign-in">${t("pages.common.backToSignIn")}</a></li></ul>`,
    );
  }

  return new Elysia({ name: "pages-verify-email", detail: PAGE_ROUTE })
    .get("/verify-email", async ({ request, query }) => {
      const ctx = await pages.context(request);
      if (typeof query.token === "string" && query.token !== "") {
        const answer = await pages.callAuth(request, "/verify-email", { query: { token: query.token } });
        if (!answer.ok) {
          const outcome = answer.code === "TOKEN_EXPIRED" ? "expired" : "invalid";
          return pages.page(ctx, sendAgainPage(ctx, outcome), { status: 400 });
        }
        const user = answer.body?.user as { email?: unknown } | undefined;
        const verified = await signedInUser(pages, request, cookiesAfter(request, answer.cookies));
        const email = verified?.email ?? (typeof user?.email === "string" ? user.email : "");
        return pages.page(ctx, verifiedPage(ctx, email), { cookies: answer.cookies });
      }
      if (typeof query.error === "string") {
        const outcome = query.error === "TOKEN_EXPIRED" ? "expired" : "invalid";
        return pages.page(ctx, sendAgainPage(ctx, outcome), { status: 400 });
      }
      const user = await signedInUser(pages, request);
      if (user?.emailVerified && user.email) return pages.page(ctx, verifiedPage(ctx, user.email));
      return pages.page(ctx, sendAgainPage(ctx, "ask", { values: { email: user?.email ?? "" } }));
    })
    .post("/verify-email", async ({ request, body }) => {
      const ctx = await pages.context(request);
      const values = formValues(body, ["email"]);
      const keep = { email: values.email ?? "" };
      if (!pages.csrfOk(ctx, body)) {
        return pages.page(
          ctx,
          sendAgainPage(ctx, "ask", { values: keep, formError: ctx.t("pages.common.formExpired") }),
          {
            status: 403,
          },
        );
      }
      const errors = missingFields(ctx, values, ["email"]);
      if (errors)
        return pages.page(ctx, sendAgainPage(ctx, "ask", { values: keep, errors }), { status: 400 });
      const answer = await pages.callAuth(request, "/send-verification-email", {
        body: { email: (values.email ?? "").trim(), callbackURL: "/verify-email" },
      });
      // An already verified address is not news to a stranger: the same notice as a sent link.
      if (!answer.ok && answer.code !== "EMAIL_ALREADY_VERIFIED") {
        return pages.page(ctx, sendAgainPage(ctx, "ask", refusedForm(ctx, answer, keep, ["email"])), {
          status: answer.status,
        });
      }
      return pages.page(
        ctx,
        sendAgainPage(ctx, "ask", { values: keep, notice: ctx.t("pages.verify.sentAgain") }),
      );
    });
}
