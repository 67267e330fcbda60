/**
 * Two-step verification from /account: turning it on (better-auth's /two-factor/enable gives the key and backup
 * codes, shown once with the QR code; /two-factor/verify-totp with the first code finishes it), turning it off,
 * and new backup codes — each confirmed with the password when the account has one.
 */
import { Elysia } from "elysia";
import type { Pages } from "../context.ts";
import { formValues, missingFields, refusedForm } from "../form-errors.ts";
import { type AccountActions, PAGE } from "./actions.ts";
import { qrDataUri, secretOf } from "./qr.ts";
import { backupCodesPage, totpSetupPage } from "./two-factor-view.ts";

export function twoFactorPages(pages: Pages, { act, confirmingPassword }: AccountActions) {
  return new Elysia({ name: "pages-account-two-factor" })
    .post(
      "/account/two-factor/enable",
      ({ request, body }) =>
        act(request, body, "twoFactor", async ({ ctx, data }) => {
          const values = formValues(body, ["password"]);
          const password = confirmingPassword(ctx, data, values);
          if (password.errors) return { state: { errors: password.errors }, status: 400 };
          const answer = await pages.callAuth(request, "/two-factor/enable", { body: password.body });
          const uri = typeof answer.body?.totpURI === "string" ? answer.body.totpURI : undefined;
          if (!answer.ok || !uri) {
            return { state: refusedForm(ctx, answer, {}, ["password"]), status: answer.status };
          }
          const codes = Array.isArray(answer.body?.backupCodes) ? answer.body.backupCodes.map(String) : [];
          const setup = { qr: await qrDataUri(uri), secret: secretOf(uri), backupCodes: codes };
          return pages.page(ctx, totpSetupPage(ctx, setup), { cookies: answer.cookies });
        }),
      PAGE,
    )
    .post(
      "/account/two-factor/verify",
      ({ request, body }) =>
        act(request, body, "twoFactor", async ({ ctx }) => {
          const values = formValues(body, ["code"]);
          const errors = missingFields(ctx, values, ["code"]);
          if (errors) return pages.page(ctx, totpSetupPage(ctx, undefined, { errors }), { status: 400 });
          const code = (values.code ?? "").replace(/\s+/g, "");
          const answer = await pages.callAuth(request, "/two-factor/verify-totp", { body: { code } });
          if (answer.ok) return { done: "two-factor-on", cookies: answer.cookies };
          const state = refusedForm(ctx, answer, {}, ["code"]);
          return pages.page(ctx, totpSetupPage(ctx, undefined, state), { status: answer.status });
        }),
      PAGE,
    )
    .post(
      "/account/two-factor/disable",
      ({ request, body }) =>
        act(request, body, "twoFactor", async ({ ctx, data }) => {
          const keep = { form: "disable" };
          const password = confirmingPassword(ctx, data, formValues(body, ["password"]));
          if (password.errors) return { state: { values: keep, errors: password.errors }, status: 400 };
          const answer = await pages.callAuth(request, "/two-factor/disable", { body: password.body });
          if (answer.ok) return { done: "two-factor-off", cookies: answer.cookies };
          return { state: refusedForm(ctx, answer, keep, ["password"]), status: answer.status };
        }),
      PAGE,
    )
    .post(
      "/account/two-factor/backup-codes",
      ({ request, body }) =>
        act(request, body, "twoFactor", async ({ ctx, data }) => {
          const keep = { form: "codes" };
          const password = confirmingPassword(ctx, data, formValues(body, ["password"]));
          if (password.errors) return { state: { values: keep, errors: password.errors }, status: 400 };
          const answer = await pages.callAuth(request, "/two-factor/generate-backup-codes", {
            body: password.body,
          });
          const codes = Array.isArray(answer.body?.backupCodes)
            ? answer.body.backupCodes.map(String)
            : undefined;
          if (!answer.ok || !codes) {
            return { state: refusedForm(ctx, answer, keep, ["password"]), status: answer.status };
          }
          return pages.page(ctx, backupCodesPage(ctx, codes), { cookies: answer.cookies });
        }),
      PAGE,
    );
}
