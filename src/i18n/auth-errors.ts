/**
 * Localizes better-auth's JSON error bodies `{code, message}`: the message is replaced by the catalogue's text
 * for the code in the request's locale; status, headers and code stay as they are. A body without a code (the
 * limiter's 429, an APIError thrown with only a message) gets one derived from the status first.
 */
import { errorMessage } from "./index.ts";
import type { LocaleResolver } from "./request-locale.ts";

const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  415: "UNSUPPORTED_MEDIA_TYPE",
  // The rate limiter's code (src/http/pipeline/rate-limit), so both limiters answer alike.
  429: "RATE_LIMITED",
};

export function codeForStatus(status: number): string {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? "INTERNAL_SERVER_ERROR" : "BAD_REQUEST");
}

type JsonObject = Record<string, unknown>;

async function jsonBody(response: Response): Promise<JsonObject | undefined> {
  if (!(response.headers.get("content-type") ?? "").includes("application/json")) return undefined;
  try {
    const body: unknown = await response.clone().json();
    return body !== null && typeof body === "object" && !Array.isArray(body)
      ? (body as JsonObject)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The response with its error message in the request's locale, or undefined to keep it unchanged (success,
 * not JSON, or a code no catalogue knows that already had one).
 *
 * A message that differs from the code's stock English text carries specifics (which field failed
 * validation, which Content-Type was sent); English keeps it as is, other locales get the code's text and the
 * original in `detail`, so nothing is lost.
 */
export async function localizeAuthError(
  response: unknown,
  request: Request,
  resolveLocale: LocaleResolver,
): Promise<Response | undefined> {
  if (!(response instanceof Response) || response.status < 400) return undefined;
  // better-auth answers some refusals (e.g. an anonymous call to an admin endpoint) with no body at all: give
  // them the same {code, message} shape as every other error.
  const body = (await jsonBody(response)) ?? ((await response.clone().text()) === "" ? {} : undefined);
  if (!body) return undefined;
  const hadCode = typeof body.code === "string" && body.code !== "";
  const code = hadCode ? (body.code as string) : codeForStatus(response.status);
  const locale = await resolveLocale(request);
  const localized = errorMessage(locale, code);
  if (localized === undefined && hadCode) return undefined;
  const original = typeof body.message === "string" ? body.message : undefined;
  const specific = original !== undefined && original !== "" && original !== errorMessage("en", code);
  const message = locale === "en" && specific ? original : (localized ?? original ?? "");
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  headers.set("content-type", "application/json");
  return new Response(
    JSON.stringify({
      ...body,
      code,
      message,
      ...(specific && message !== original ? { detail: original } : {}),
    }),
    { status: response.status, statusText: response.statusText, headers },
  );
}
