/**
 * The locale of an SMS code, for senders that know only a phone number: the saved preference of the user who
 * owns that number, else what the triggering request asked for, else DEFAULT_LOCALE.
 */
import type { Locale } from "./locales.ts";
import { recipientLocale } from "./negotiate.ts";

/** The part of better-auth's endpoint context a sender needs (its type is not exported by better-auth). */
export interface SenderContext {
  readonly request?: Request | undefined;
  readonly headers?: Headers | undefined;
  readonly context?: {
    readonly adapter: {
      findOne<T>(query: { model: string; where: { field: string; value: string }[] }): Promise<T | null>;
    };
  };
}

function requestOf(ctx: SenderContext | undefined): Request | undefined {
  if (ctx?.request) return ctx.request;
  // Direct `auth.api` calls carry headers but no request.
  return ctx?.headers ? new Request("http://localhost/", { headers: ctx.headers }) : undefined;
}

export async function phoneRecipientLocale(
  ctx: SenderContext | undefined,
  phoneNumber: string,
  defaultLocale: string,
): Promise<Locale> {
  let user: object | null = null;
  try {
    user =
      (await ctx?.context?.adapter.findOne<object>({
        model: "user",
        where: [{ field: "phoneNumber", value: phoneNumber }],
      })) ?? null;
  } catch {
    // Without the lookup the code still goes out, in the request's language.
  }
  return recipientLocale(user, requestOf(ctx), defaultLocale);
}
