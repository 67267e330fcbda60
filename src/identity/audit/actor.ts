/** Who did it, from where: the audit fields of a /v1 (or dialect) request's context. */
import type { AuditEventInput } from "../../auth/audit-event.ts";
import { CLIENT_IP_HEADER } from "../../platform/client-ip.ts";
import type { V1Context } from "../context.ts";

export type AuditOrigin = Pick<AuditEventInput, "actorType" | "actorId" | "tenantId" | "ip" | "userAgent">;

/** The client's address (set by src/server.ts) and user agent, as the context resolvers keep them. */
export function clientOf(headers: Headers): { ip: string | null; userAgent: string | null } {
  return { ip: headers.get(CLIENT_IP_HEADER), userAgent: headers.get("user-agent") };
}

export function auditBy(ctx: V1Context): AuditOrigin {
  return {
    actorType: ctx.actor ? (ctx.actor.type === "ApiKey" ? "apiKey" : "user") : null,
    actorId: ctx.actor?.id ?? null,
    tenantId: ctx.tenant.id,
    ip: ctx.client?.ip ?? null,
    userAgent: ctx.client?.userAgent ?? null,
  };
}
