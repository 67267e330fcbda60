/**
 * The requests of the single-scenario tools (bench/profile.ts, bench/cpu-cost.ts), by name, for a seeded
 * Gatehouse (seed.ts): the ops probe, the session checks and the /v1 principal paths, and the sign-in flood.
 */
import type { GatehouseFixture } from "./seed.ts";

export interface ProbeRequest {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly method?: "GET" | "POST";
  readonly bodies?: string[];
}

export function probeRequests(base: string, f: GatehouseFixture): Record<string, ProbeRequest> {
  return {
    health: { path: "/health", headers: {} },
    "session-cookie": { path: "/api/auth/get-session", headers: { cookie: f.user.cookie } },
    "session-bearer": { path: "/api/auth/get-session", headers: { authorization: `Bearer ${f.user.token}` } },
    "user-bearer": {
      path: `/v1/users/${f.user.userId}`,
      headers: { authorization: `Bearer ${f.admin.token}` },
    },
    "user-jwt": { path: `/v1/users/${f.user.userId}`, headers: { authorization: `Bearer ${f.adminJwt}` } },
    "user-apikey": { path: `/v1/users/${f.user.userId}`, headers: { "x-api-key": f.adminApiKey } },
    "sign-in": {
      path: "/api/auth/sign-in/email",
      method: "POST",
      headers: { "content-type": "application/json", origin: base },
      bodies: f.signInBodies,
    },
  };
}
