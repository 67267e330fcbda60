/**
 * The rate limiter for Gatehouse's own routes (a pipeline piece: its refusal is rendered by the surface that
 * owns the path, src/http/pipeline/surface-router.ts).
 *
 * - Own routes (/v1, /health/detailed, /cache/*, /i18n/language; rules.ts) are counted in `onRequest`, before
 *   any parsing, in the same store and with the same key scheme as better-auth's limiter
 *   (src/platform/cache/rate-limit-store.ts).
 * - better-auth's own 429 has no code and only `X-Retry-After`; it is rewritten here to
 *   `{code: "RATE_LIMITED", message}` with a standard `Retry-After`. Elysia applies a global hook only to routes
 *   registered after it, so this plugin must be used before the auth routes.
 */
import { Elysia } from "elysia";
import type { Config } from "../../../config.ts";
import type { Cache } from "../../../platform/cache/index.ts";
import { createRateLimitStore, rateLimitKey } from "../../../platform/cache/rate-limit-store.ts";
import { clientAddressOf } from "../client-address.ts";
import { rateLimited } from "./errors.ts";
import { routeRuleFor } from "./rules.ts";

// better-auth's bucket for requests whose client address is unknown (in-process calls without the header).
const NO_IP = "no-trusted-ip";

export interface RateLimitModuleDeps {
  readonly config: Pick<Config, "rateLimitEnabled">;
  readonly cache: Cache;
}

export function rateLimitModule({ config, cache }: RateLimitModuleDeps) {
  const store = createRateLimitStore(cache);
  const plugin = new Elysia({ name: "rate-limit" }).onAfterHandle({ as: "global" }, ({ responseValue }) =>
    withRateLimitCode(responseValue),
  );
  // Switched off (RATE_LIMIT_ENABLED=false) for good: no hook asks every request about it.
  if (!config.rateLimitEnabled) return plugin;
  return plugin.onRequest(async ({ request, set }) => {
    const rule = routeRuleFor(new URL(request.url).pathname, request);
    if (!rule) return;
    const ip = clientAddressOf(request) ?? NO_IP;
    const { allowed, retryAfter } = await store.consume(rateLimitKey(ip, rule.pattern), rule);
    if (allowed) return;
    const seconds = retryAfter ?? rule.window;
    set.headers["retry-after"] = String(seconds);
    throw rateLimited(seconds);
  });
}
/**
 * better-auth's 429 (recognised by its X-Retry-After header) with the standard Retry-After header too. Its body
 * already has the RATE_LIMITED code and a localized message (src/http/better-auth/routes.ts localizes every auth answer).
 */
function withRateLimitCode(response: unknown): Response | undefined {
  if (!(response instanceof Response) || response.status !== 429) return undefined;
  const retryAfter = response.headers.get("x-retry-after");
  if (retryAfter === null) return undefined;
  const headers = new Headers(response.headers);
  headers.set("retry-after", retryAfter);
  return new Response(response.body, { status: 429, statusText: response.statusText, headers });
}
