/**
 * What every page handler starts from: the request's locale (negotiated as the API does — `?lang`, the
 * `locale` cookie the language switcher sets, the signed-in user's saved locale, Accept-Language, DEFAULT_LOCALE),
 * a translator bound to it, the CSRF state and the branding. `respond` turns a rendered page into the Response
 * with the pages' headers and cookies.
 */
import type { Auth } from "../../auth/index.ts";
import type { BrandConfig, Config } from "../../config.ts";
import { isLocale, type Locale, t as translate } from "../../i18n/index.ts";
import { closestLocale, LOCALE_COOKIE, LOCALE_QUERY } from "../../i18n/negotiate.ts";
import type { LocaleResolver } from "../../i18n/request-locale.ts";
import type { ParamsArg, TranslationKey } from "../../i18n/types.ts";
import type { Logger } from "../../platform/logger.ts";
import { type AuthCaller, createAuthCaller } from "./auth-call.ts";
import type { Html } from "./html.ts";
import { type Impersonation, impersonationOf, mayBeImpersonating } from "./impersonation.ts";
import { allowedTarget } from "./redirect-target.ts";
import { CSRF_FIELD, type CsrfState, createCsrf, pageContentSecurityPolicy } from "./security.ts";

export interface PagesDeps {
  readonly auth: Auth;
  readonly config: Config;
  readonly localeOf: LocaleResolver;
  readonly logger: Logger;
}

/** Pages are HTML for people, not API operations: their routes are left out of /openapi.json. */
export const PAGE_ROUTE = { hide: true } as const;

export type Translate = <K extends TranslationKey>(key: K, ...params: ParamsArg<K>) => string;

export interface PageContext {
  readonly request: Request;
  readonly url: URL;
  readonly locale: Locale;
  readonly t: Translate;
  readonly brand: BrandConfig;
  readonly csrf: CsrfState;
  /** Cookies to set on whatever this request answers (the CSRF nonce, the chosen language). */
  readonly cookies: string[];
  /** Set while an admin acts as this user: the layout shows it on every page, with the way back. */
  readonly impersonating?: Impersonation | undefined;
}

/** A year: the language a person picked stays picked. */
const LOCALE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60;

export function localeCookie(locale: Locale, secure: boolean): string {
  return `${LOCALE_COOKIE}=${encodeURIComponent(locale)}; Path=/; Max-Age=${LOCALE_COOKIE_MAX_AGE}; SameSite=Lax${secure ? "; Secure" : ""}`;
}

export function createPages(deps: PagesDeps) {
  const secure = deps.config.baseUrl.startsWith("https://");
  const csrfOf = createCsrf({ secret: deps.config.authSecret, secure });
  const policy = pageContentSecurityPolicy(deps.config.trustedOrigins);
  const callAuth: AuthCaller = createAuthCaller(deps.auth, deps.config.baseUrl);
  const isTrusted = async (origin: string) => (await deps.auth.$context).isTrustedOrigin(origin);

  async function context(request: Request): Promise<PageContext> {
    const url = new URL(request.url);
    const locale = await deps.localeOf(request);
    const cookies: string[] = [];
    const csrf = csrfOf(request);
    if (csrf.setCookie) cookies.push(csrf.setCookie);
    // `?lang=` on a page sticks: the next page (after a redirect, without the parameter) keeps the language.
    const asked = closestLocale(url.searchParams.get(LOCALE_QUERY));
    if (asked && isLocale(asked)) cookies.push(localeCookie(asked, secure));
    const t: Translate = (key, ...params) => translate(locale, key, ...params);
    const impersonating = mayBeImpersonating(request) ? await impersonationOf(callAuth, request) : undefined;
    return { request, url, locale, t, brand: deps.config.brand, csrf, cookies, impersonating };
  }

  function headers(ctx: PageContext | undefined, extra: readonly string[] = []): Headers {
    const result = new Headers({
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": policy,
      "referrer-policy": "same-origin",
    });
    for (const line of [...(ctx?.cookies ?? []), ...extra]) result.append("set-cookie", line);
    return result;
  }

  return {
    deps,
    callAuth,
    context,
    /** Whether a posted form carries this browser's CSRF token. */
    csrfOk: (ctx: PageContext, body: unknown) =>
      ctx.csrf.verify((body as Record<string, unknown> | undefined)?.[CSRF_FIELD]),
    /** An HTML answer with the pages' policy, cookies of the context and of better-auth's answer. */
    page(
      ctx: PageContext | undefined,
      body: Html,
      options: { status?: number; cookies?: readonly string[] } = {},
    ) {
      return new Response(`<!doctype html>\n${body.value}`, {
        status: options.status ?? 200,
        headers: headers(ctx, options.cookies),
      });
    },
    /** 303 See Other: the answer to a form post (the browser then GETs `location`). */
    redirect(ctx: PageContext | undefined, location: string, cookies: readonly string[] = []) {
      const result = headers(ctx, cookies);
      result.delete("content-type");
      result.set("location", location);
      return new Response(null, { status: 303, headers: result });
    },
    /** redirect_to when it is allowed (this host, BASE_URL, TRUSTED_ORIGINS), else undefined. */
    target: (value: unknown) => allowedTarget(value, isTrusted),
    policy,
    secure,
  };
}

export type Pages = ReturnType<typeof createPages>;
