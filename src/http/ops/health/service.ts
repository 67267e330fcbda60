/**
 * Health of this node: a cheap summary for load balancers and a detailed report for operators. Knows nothing
 * about HTTP; nothing it reports is secret (no URLs, hosts or credentials).
 */
import { readFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pkg from "../../../../package.json" with { type: "json" };
import type { Auth } from "../../../auth/index.ts";
import type { AppCache } from "../../../platform/cache/index.ts";
import { classifyDatabaseError } from "../../../platform/db/availability.ts";
import type { Db } from "../../../platform/db/index.ts";
import type { Mailer } from "../../../platform/mail/index.ts";
import type { SmsSender } from "../../../platform/sms/index.ts";
import type { HealthDetailed, HealthSummary } from "./model.ts";
import { type OutboxBacklog, outboxBacklog } from "./outbox.ts";

export interface HealthDeps {
  readonly db: Db;
  readonly cache: AppCache;
  readonly auth: Auth;
  readonly mailer: Pick<Mailer, "transport">;
  readonly sms: Pick<SmsSender, "transport">;
}

// A load balancer gives a check a few seconds; answering "down" within 2 s beats being timed out.
const DB_TIMEOUT_MS = 2000;
// Redis commands time out after 500 ms already; this only bounds a wedged client.
const CACHE_TIMEOUT_MS = 1000;
// 20 ms is the resolution perf_hooks recommends; finer sampling costs timer wake-ups for no operator value.
const EVENT_LOOP_RESOLUTION_MS = 20;

interface Probe {
  readonly ok: boolean;
  readonly ms: number | null;
  readonly error?: unknown;
}

interface DatabaseState {
  readonly status: HealthDetailed["database"]["status"];
  readonly reason: string | null;
  readonly since: string | null;
  readonly ms: number | null;
}

export function createHealthService(deps: HealthDeps) {
  const eventLoop = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  eventLoop.enable();
  let windowStart = performance.now();
  const betterAuthVersion = packageVersion("better-auth");

  /** How `checking` (started at `started`) ends: answered, failed, or timed out after `timeoutMs`. */
  async function probe(checking: Promise<unknown>, timeoutMs: number, started: number): Promise<Probe> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("timed out")), timeoutMs);
    });
    try {
      await Promise.race([checking, timeout]);
      return { ok: true, ms: round(performance.now() - started) };
    } catch (error) {
      return { ok: false, ms: null, error };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The database answers a round trip now (a failed ping is reported to its availability like any query); a
   * database that answers may still refuse writes — the last write's outcome says so (a full disk reads fine).
   */
  async function probeDb(ping = deps.db.ping(), started = performance.now()): Promise<DatabaseState> {
    const probed = await probe(ping, DB_TIMEOUT_MS, started);
    const outage = deps.db.availability.current();
    if (!probed.ok) {
      const reason = classifyDatabaseError(probed.error)?.reason ?? outage?.reason ?? "not answering";
      return { status: "down", reason, since: outage?.since.toISOString() ?? null, ms: null };
    }
    if (outage?.kind === "writes_refused") {
      return { status: "degraded", reason: outage.reason, since: outage.since.toISOString(), ms: probed.ms };
    }
    return { status: "ok", reason: null, since: null, ms: probed.ms };
  }
  const probeCache = (ping = deps.cache.direct.ping(), started = performance.now()) =>
    probe(ping, CACHE_TIMEOUT_MS, started);

  /**
   * The summary at once when both pings have already answered (SQLite's runs on the file in the same call, the
   * memory cache's has nothing to ask): no timer, no wait — the same verdict as probeDb and probeCache give.
   */
  function answeredAtOnce(dbPing: Promise<void>, cachePing: Promise<void>): HealthSummary | undefined {
    if (Bun.peek.status(dbPing) !== "fulfilled" || Bun.peek.status(cachePing) !== "fulfilled")
      return undefined;
    const writesRefused = deps.db.availability.current()?.kind === "writes_refused";
    return { status: writesRefused ? "degraded" : "ok", version: pkg.version, uptime: uptime() };
  }

  function overall(db: DatabaseState, cache: Probe): HealthSummary["status"] {
    if (db.status === "down") return "down";
    return cache.ok && db.status === "ok" ? "ok" : "degraded";
  }

  async function counts(): Promise<HealthDetailed["counts"]> {
    try {
      const { adapter } = await deps.auth.$context;
      const [users, activeSessions, tenants] = await Promise.all([
        adapter.count({ model: "user" }),
        adapter.count({
          model: "session",
          where: [{ field: "expiresAt", operator: "gt", value: new Date() }],
        }),
        adapter.count({ model: "organization" }),
      ]);
      return { users, active_sessions: activeSessions, tenants };
    } catch {
      return null;
    }
  }

  /** null when the database does not answer (the outbox lives there). */
  async function backlog(): Promise<OutboxBacklog | null> {
    try {
      return await outboxBacklog(deps.db);
    } catch {
      return null;
    }
  }

  function hitRate(): number | null {
    let hits = 0;
    let reads = 0;
    for (const stats of Object.values(deps.cache.stats.snapshot())) {
      hits += stats.hits;
      reads += stats.hits + stats.misses;
    }
    return reads === 0 ? null : round(hits / reads, 4);
  }

  function eventLoopDelay(): HealthDetailed["event_loop"] {
    const ms = (ns: number) => (Number.isFinite(ns) ? round(ns / 1e6) : 0);
    const result = {
      delay_ms: {
        mean: ms(eventLoop.mean),
        p50: ms(eventLoop.percentile(50)),
        p99: ms(eventLoop.percentile(99)),
        max: ms(eventLoop.max),
      },
      window_seconds: round((performance.now() - windowStart) / 1000),
    };
    eventLoop.reset();
    windowStart = performance.now();
    return result;
  }

  function pool(): HealthDetailed["database"]["pool"] {
    return deps.db.poolStats?.() ?? null;
  }

  async function checkNow(dbPing: Promise<void>, cachePing: Promise<void>, started: number) {
    try {
      const [db, cache] = await Promise.all([probeDb(dbPing, started), probeCache(cachePing, started)]);
      return { status: overall(db, cache), version: pkg.version, uptime: uptime() };
    } finally {
      checking = undefined;
    }
  }
  /**
   * Load balancers and benchmarks ask many times at once: a check that arrives while one is under way shares
   * its answer, which began at most one round trip earlier. Nothing is kept once it has answered, so the next
   * check after it asks the database again.
   */
  let checking: Promise<HealthSummary> | undefined;

  /** The summary itself when both pings answered in the call, else the check under way (shared). */
  function summaryNow(): HealthSummary | Promise<HealthSummary> {
    if (checking) return checking;
    const started = performance.now();
    const dbPing = deps.db.ping();
    const cachePing = deps.cache.direct.ping();
    const now = answeredAtOnce(dbPing, cachePing);
    if (now) return now;
    checking = checkNow(dbPing, cachePing, started);
    return checking;
  }

  return {
    summary: (): Promise<HealthSummary> => Promise.resolve(summaryNow()),

    /** As `summary`, without a promise when the answer is at hand (GET /health's fast path, probe.ts). */
    summaryNow,

    async detailed(): Promise<HealthDetailed> {
      const [db, cache] = await Promise.all([probeDb(), probeCache()]);
      const outbox = db.status === "down" ? null : await backlog();
      const unknown = { waiting: null, oldest_age_seconds: null };
      const memory = process.memoryUsage();
      return {
        status: overall(db, cache),
        version: pkg.version,
        uptime: uptime(),
        database: {
          status: db.status,
          reason: db.reason,
          since: db.since,
          dialect: deps.db.dialect,
          latency_ms: db.ms,
          pool: pool(),
        },
        cache: {
          status: cache.ok ? "ok" : "down",
          driver: deps.cache.driver,
          latency_ms: cache.ms,
          hit_rate: hitRate(),
          outstanding_invalidations: deps.cache.outstandingInvalidations(),
        },
        mail: { transport: deps.mailer.transport, ...(outbox?.mail ?? unknown) },
        sms: { transport: deps.sms.transport, ...(outbox?.sms ?? unknown) },
        memory: {
          rss_bytes: memory.rss,
          heap_used_bytes: memory.heapUsed,
          heap_total_bytes: memory.heapTotal,
          external_bytes: memory.external,
        },
        event_loop: eventLoopDelay(),
        versions: { gatehouse: pkg.version, bun: Bun.version, better_auth: betterAuthVersion },
        counts: db.status === "down" ? null : await counts(),
      };
    },

    close(): void {
      eventLoop.disable();
    },
  };
}

export type HealthService = ReturnType<typeof createHealthService>;

const uptime = () => Math.round(process.uptime());

function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** The installed version of a dependency ("unknown" in a bundle without node_modules). */
function packageVersion(name: string): string {
  try {
    const entry = fileURLToPath(import.meta.resolve(name));
    const marker = `/node_modules/${name}/`;
    const at = entry.lastIndexOf(marker);
    if (at < 0) return "unknown";
    const manifest = JSON.parse(
      readFileSync(`${entry.slice(0, at + marker.length)}package.json`, "utf8"),
    ) as {
      version?: unknown;
    };
    return typeof manifest.version === "string" ? manifest.version : "unknown";
  } catch {
    return "unknown";
  }
}
