/**
 * The authorizer's module (./service.ts, with Cedar's wasm and the default policies it parses) is loaded on the
 * first `createAuthorizer` call, not at start-up: compiling the 4 MB wasm and parsing the defaults was almost
 * half of the time to ready and about 35 MB of an idle process, for a server that may answer sign-ins and
 * session checks for a long time before its first /v1 decision. src/identity/index.ts creates the authorizer
 * on first use, so the first decision pays the load once (a few hundred milliseconds), later ones nothing.
 */
import type { Authorizer, AuthorizerOptions } from "./service.ts";

type ServiceModule = typeof import("./service.ts");

let service: ServiceModule | undefined;

/** ./service.ts, loaded (synchronously, once per process) when first asked for. */
function authorizerModule(): ServiceModule {
  // A synchronous require so that callers stay synchronous; the bundle (src/start.ts) keeps it lazy too.
  service ??= require("./service.ts") as ServiceModule;
  return service;
}

export function createAuthorizer(options: AuthorizerOptions): Authorizer {
  return authorizerModule().createAuthorizer(options);
}

/** Whether Cedar has been loaded in this process (for tests of start-up). */
export function authorizerLoaded(): boolean {
  return service !== undefined;
}
