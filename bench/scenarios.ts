/** The scenarios of a run: which server, which request, with which credential. */
import type { LoadSpec } from "./load-spec.ts";
import type { ServerProcess } from "./processes.ts";
import type { GatehouseFixture, Session } from "./seed.ts";

export interface Scenario {
  readonly name: string;
  readonly server: ServerProcess;
  readonly spec: Omit<LoadSpec, "seconds" | "connections">;
}

export const NAMES = {
  health: "gatehouse GET /health",
  bare: "bare Bun.serve GET /health",
  cookie: "gatehouse get-session, cookie",
  bearer: "gatehouse get-session, bearer",
  baseline: "better-auth get-session, cookie",
  v1Bearer: "gatehouse GET /v1/users/{id}, bearer",
  v1Jwt: "gatehouse GET /v1/users/{id}, JWT",
  v1ApiKey: "gatehouse GET /v1/users/{id}, API key",
  signIn: "gatehouse POST /api/auth/sign-in/email",
} as const;

/** The session checks of goal 1, with the two /health routes of goal 3 they are compared with. */
export function sessionScenarios(
  servers: { gatehouse: ServerProcess; baseline: ServerProcess; bare: ServerProcess },
  fixture: GatehouseFixture,
  baselineSession: Session,
): Scenario[] {
  const { gatehouse, baseline, bare } = servers;
  const getSession = `${gatehouse.url}/api/auth/get-session`;
  const v1User = `${gatehouse.url}/v1/users/${fixture.user.userId}`;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  return [
    { name: NAMES.health, server: gatehouse, spec: { url: `${gatehouse.url}/health` } },
    { name: NAMES.bare, server: bare, spec: { url: `${bare.url}/health` } },
    {
      name: NAMES.cookie,
      server: gatehouse,
      spec: { url: getSession, headers: { cookie: fixture.user.cookie } },
    },
    { name: NAMES.bearer, server: gatehouse, spec: { url: getSession, headers: bearer(fixture.user.token) } },
    {
      name: NAMES.baseline,
      server: baseline,
      spec: { url: `${baseline.url}/api/auth/get-session`, headers: { cookie: baselineSession.cookie } },
    },
    // A platform admin reading a user: the principal resolution of /v1 by each credential it accepts.
    { name: NAMES.v1Bearer, server: gatehouse, spec: { url: v1User, headers: bearer(fixture.admin.token) } },
    { name: NAMES.v1Jwt, server: gatehouse, spec: { url: v1User, headers: bearer(fixture.adminJwt) } },
    {
      name: NAMES.v1ApiKey,
      server: gatehouse,
      spec: { url: v1User, headers: { "x-api-key": fixture.adminApiKey } },
    },
  ];
}

/** Every pre-created user in turn, so that no one account's rows are the only ones touched. */
export function signInScenario(gatehouse: ServerProcess, fixture: GatehouseFixture): Scenario {
  return {
    name: NAMES.signIn,
    server: gatehouse,
    spec: {
      url: `${gatehouse.url}/api/auth/sign-in/email`,
      method: "POST",
      headers: { "content-type": "application/json", origin: gatehouse.url },
      bodies: fixture.signInBodies,
    },
  };
}
