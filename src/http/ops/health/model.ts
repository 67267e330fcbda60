/** Schemas of the health routes (validation, types and OpenAPI in one place). */
import { t } from "elysia";

export const HealthStatus = t.Union([t.Literal("ok"), t.Literal("degraded"), t.Literal("down")], {
  description:
    "ok: database and cache answer; degraded: the cache is down, or the database answers reads but refuses " +
    "writes (disk full, read-only); down: the database does not answer",
});
export const ComponentStatus = t.Union([t.Literal("ok"), t.Literal("down")]);
export const DatabaseStatus = t.Union([t.Literal("ok"), t.Literal("degraded"), t.Literal("down")], {
  description: "degraded: reads answer, writes are refused",
});

export const HealthSummary = t.Object({
  status: HealthStatus,
  version: t.String({ description: "Gatehouse version" }),
  uptime: t.Number({ description: "Seconds since the process started" }),
});

/** Gatehouse's native error envelope (src/platform/errors.ts), for the refusals of these routes. */
export const ErrorBody = t.Object({
  code: t.String(),
  error: t.String(),
  message: t.String(),
  details: t.Optional(t.Record(t.String(), t.Unknown())),
  notices: t.Optional(t.Array(t.String())),
});

/** The outbox backlog of one channel (src/http/ops/health/outbox.ts); null when the database does not answer. */
const OutboxBacklog = {
  waiting: t.Nullable(
    t.Integer({ description: "Messages not yet delivered: being sent or waiting for a retry" }),
  ),
  oldest_age_seconds: t.Nullable(
    t.Integer({ description: "How long the oldest undelivered message has waited; null when none waits" }),
  ),
};

export const HealthDetailed = t.Object({
  status: HealthStatus,
  version: t.String(),
  uptime: t.Number(),
  database: t.Object({
    status: DatabaseStatus,
    reason: t.Nullable(
      t.String({
        description:
          'Why it is not ok, e.g. "disk full", "read-only", "connection refused", "server shutting down"',
      }),
    ),
    since: t.Nullable(t.String({ description: "When the outage began (ISO 8601), null while ok" })),
    dialect: t.Union([t.Literal("sqlite"), t.Literal("postgres")]),
    latency_ms: t.Nullable(t.Number({ description: "One round trip (select 1)" })),
    pool: t.Nullable(
      t.Object(
        { total: t.Integer(), idle: t.Integer(), waiting: t.Integer(), max: t.Integer() },
        { description: "Connection pool use (PostgreSQL); null where the driver has no pool" },
      ),
    ),
  }),
  cache: t.Object({
    status: ComponentStatus,
    driver: t.Union([t.Literal("memory"), t.Literal("redis")]),
    latency_ms: t.Nullable(t.Number()),
    hit_rate: t.Nullable(t.Number({ description: "Reads answered from the cache since start, 0–1" })),
    outstanding_invalidations: t.Integer({
      description:
        "Cache writes and deletes (revocations among them) that could not reach the cache and are not yet " +
        "applied, as this node sees them; non-zero while the cache is unreachable, cache reads of the keys " +
        "they name are corrected by them meanwhile",
    }),
  }),
  mail: t.Object({ transport: t.Union([t.Literal("smtp"), t.Literal("outbox")]), ...OutboxBacklog }),
  sms: t.Object({ transport: t.Union([t.Literal("api"), t.Literal("outbox")]), ...OutboxBacklog }),
  memory: t.Object({
    rss_bytes: t.Integer(),
    heap_used_bytes: t.Integer(),
    heap_total_bytes: t.Integer(),
    external_bytes: t.Integer(),
  }),
  event_loop: t.Object({
    delay_ms: t.Object({ mean: t.Number(), p50: t.Number(), p99: t.Number(), max: t.Number() }),
    window_seconds: t.Number({ description: "Measured since the previous detailed check (or the start)" }),
  }),
  versions: t.Object({ gatehouse: t.String(), bun: t.String(), better_auth: t.String() }),
  counts: t.Nullable(
    t.Object(
      { users: t.Integer(), active_sessions: t.Integer(), tenants: t.Integer() },
      { description: "null when the database does not answer" },
    ),
  ),
});

export type HealthSummary = typeof HealthSummary.static;
export type HealthDetailed = typeof HealthDetailed.static;
