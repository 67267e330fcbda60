/** GET /v1/audit-events: the audit trail, newest first, with cursor paging and filters (src/identity/audit). */
import { Elysia, t } from "elysia";
import type { StoredEvent } from "../../../identity/audit/chain.ts";
import type { V1Services } from "../../services.ts";
import { ErrorBody } from "../users/model.ts";

const AuditEvent = t.Object(
  {
    id: t.String(),
    seq: t.Integer({ description: "Position in the hash chain" }),
    occurred_at: t.String({ format: "date-time" }),
    type: t.String({ description: "e.g. sign_in.succeeded, sign_in.failed, user.banned, policy.created" }),
    actor_type: t.Nullable(t.String({ description: "user, apiKey or system; null when unknown" })),
    actor_id: t.Nullable(t.String()),
    subject_type: t.Nullable(t.String()),
    subject_id: t.Nullable(t.String()),
    tenant_id: t.Nullable(
      t.String({ description: "null for platform-wide events (authentication, accounts)" }),
    ),
    ip: t.Nullable(t.String()),
    user_agent: t.Nullable(t.String()),
    details: t.Nullable(t.Record(t.String(), t.Unknown())),
    prev_hash: t.String(),
    hash: t.String({ description: "SHA-256 of prev_hash and the canonical event" }),
  },
  { title: "AuditEvent" },
);

const AuditEventList = t.Object(
  { data: t.Array(AuditEvent), next_cursor: t.Nullable(t.String()) },
  { title: "AuditEventList" },
);

const AuditEventQuery = t.Object({
  // The range (1–200) is checked by the reader, so the error names the field (as GET /v1/users does).
  limit: t.Optional(t.Integer({ description: "Page size, 1 to 200 (default 50)" })),
  cursor: t.Optional(t.String({ maxLength: 64 })),
  type: t.Optional(t.String({ maxLength: 1000, description: "Event types, comma-separated" })),
  actor: t.Optional(t.String({ maxLength: 200, description: "Actor id (a user or API key id)" })),
  subject: t.Optional(t.String({ maxLength: 200, description: "Subject id (e.g. the user acted on)" })),
  from: t.Optional(t.String({ maxLength: 40, description: "Events at or after this ISO 8601 time" })),
  to: t.Optional(t.String({ maxLength: 40, description: "Events before this ISO 8601 time" })),
  scope: t.Optional(
    t.Union([t.Literal("tenant"), t.Literal("all")], {
      description: "tenant (default): the request tenant's events; all: every event (platform admins)",
    }),
  ),
});

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

function render(event: StoredEvent) {
  return {
    id: event.id,
    seq: event.seq,
    occurred_at: event.occurredAt.toISOString(),
    type: event.type,
    actor_type: event.actorType,
    actor_id: event.actorId,
    subject_type: event.subjectType,
    subject_id: event.subjectId,
    tenant_id: event.tenantId,
    ip: event.ip,
    user_agent: event.userAgent,
    details: event.details ? (JSON.parse(event.details) as Record<string, unknown>) : null,
    prev_hash: event.prevHash,
    hash: event.hash,
  };
}

export function auditModule(services: V1Services) {
  const { auditEvents, resolveContext } = services;
  return new Elysia({ name: "audit", prefix: "/v1/audit-events" }).get(
    "",
    async ({ query, request }) => {
      const ctx = await resolveContext(request.headers);
      const types = query.type
        ?.split(",")
        .map((type) => type.trim())
        .filter(Boolean);
      const page = await auditEvents.list(ctx, {
        scope: query.scope ?? "tenant",
        limit: query.limit ?? 50,
        ...(types?.length ? { types } : {}),
        ...(query.actor ? { actorId: query.actor } : {}),
        ...(query.subject ? { subjectId: query.subject } : {}),
        ...(query.from ? { from: query.from } : {}),
        ...(query.to ? { to: query.to } : {}),
        ...(query.cursor ? { cursor: query.cursor } : {}),
      });
      return { data: page.data.map(render), next_cursor: page.nextCursor };
    },
    {
      query: AuditEventQuery,
      response: { 200: AuditEventList, ...errors },
      detail: {
        tags: ["Audit"],
        summary: "List audit events",
        description:
          "Tenant owners and admins read their tenant's events; platform admins read every event with " +
          "scope=all (authentication events belong to no tenant). Newest first.",
      },
    },
  );
}
