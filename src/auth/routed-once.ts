/**
 * better-auth's HTTP handler with its router built once. 1.7.25's `auth.handler` builds every endpoint of every
 * plugin and a router over them again for each request (about 0.2 ms of CPU here, ten times what a trivial
 * route then costs; better-auth issue #10188), only to give them a copy of the context holding the trusted
 * origins and providers worked out for that request.
 *
 * With a fixed base URL and fixed lists of trusted origins and providers, as Gatehouse configures them
 * (./index.ts), those are the same for every request and equal to what the context computed at start-up. So one
 * copy and one router built from it serve every request. Each request still works on copies of its own: the
 * router spreads the context into every request, and better-auth's dispatch copies it again for each endpoint
 * call, as it does for `auth.api` calls, which all share the one context. With any option that depends on the
 * request, the original handler is kept.
 */
import type { AuthContext } from "@better-auth/core";
import { runWithAdapter } from "@better-auth/core/context";
import type { BetterAuthOptions } from "better-auth";
import { router } from "better-auth/api";

type Handler = (request: Request) => Promise<Response>;

interface RoutableAuth {
  readonly handler: Handler;
  readonly options: BetterAuthOptions;
  readonly $context: Promise<unknown>;
}

/** Whether the per-request context better-auth works out is the same for every request. */
export function fixedPerRequest(options: BetterAuthOptions): boolean {
  const providers = options.account?.accountLinking?.trustedProviders;
  return (
    typeof options.baseURL === "string" &&
    options.baseURL !== "" &&
    (options.trustedOrigins === undefined || Array.isArray(options.trustedOrigins)) &&
    (providers === undefined || Array.isArray(providers))
  );
}

/** `auth.handler` with the router built on the first request, or `auth.handler` itself (see above). */
export function routedOnce(auth: RoutableAuth): Handler {
  if (!fixedPerRequest(auth.options)) return auth.handler;
  let routed: Promise<Handler> | undefined;
  const build = async (): Promise<Handler> => {
    const context = (await auth.$context) as AuthContext;
    // A copy, as better-auth makes for each request: the router's context and the one `auth.api` calls share
    // stay apart.
    const copy: AuthContext = Object.create(
      Object.getPrototypeOf(context),
      Object.getOwnPropertyDescriptors(context),
    );
    const { handler } = router(copy, auth.options);
    return async (request) => runWithAdapter(copy.adapter, () => handler(request));
  };
  return async (request) => {
    routed ??= build();
    return (await routed)(request);
  };
}
