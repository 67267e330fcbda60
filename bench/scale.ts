/**
 * `npm run bench:scale` (issue 14, goal 6): seeds BENCH_SCALE_USERS users (default 1,000,000) and
 * BENCH_SCALE_TENANTS tenants (default 10,000) by bulk insert (bench/scale-seed.ts), starts Gatehouse on that
 * database as a separate process (by `npm start`'s command), and prints p50/p95 of the user lists and look-ups of
 * every surface, the server's RSS and its start-to-ready time. Figures only, never pass/fail.
 *
 * SQLite in a temporary DATA_DIR by default; with BENCH_DATABASE_URL (postgres://…) a fresh schema of that
 * database, dropped afterwards. BENCH_SCALE_SAMPLES (default 100) requests per query, one at a time, after 20
 * warm-up requests. BENCH_SCALE_KEEP=1 keeps the SQLite directory or PostgreSQL schema (its name is printed) for
 * EXPLAIN sessions; BENCH_SCALE_REUSE=<that directory or schema> measures it again without seeding (its
 * migrations run first, so a kept database shows a new migration's effect; it is kept again), and
 * BENCH_SCALE_ONLY=<regular expression> measures only the queries whose name matches. Besides p50/p95, each
 * query's server CPU time per request is printed: the figure that a machine busy with other work changes least.
 * BENCH_SCALE_PROFILE=<directory> runs the measured server under Bun's CPU profiler (a markdown profile).
 */
import { Database } from "bun:sqlite";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { createPasswordHasher } from "../src/platform/password/index.ts";
import { type ServerProcess, startCommand, startServer as startProcess } from "./processes.ts";
import {
  FIRST_NAMES,
  LAST_NAMES,
  seedPostgres,
  seedSqlite,
  TENANT_ID_PREFIX,
  userEmail,
  userId,
  userPhone,
} from "./scale-seed.ts";

const USERS = Number(process.env.BENCH_SCALE_USERS ?? 1_000_000);
const TENANTS = Number(process.env.BENCH_SCALE_TENANTS ?? 10_000);
const SAMPLES = Number(process.env.BENCH_SCALE_SAMPLES ?? 100);
const WARMUP = 20;
const DATABASE_URL = process.env.BENCH_DATABASE_URL;
const REUSE = process.env.BENCH_SCALE_REUSE;
/** A directory: the measured server runs under Bun's CPU profiler and writes a markdown profile there. */
const PROFILE = process.env.BENCH_SCALE_PROFILE;
/** Only the queries whose name matches this regular expression (while iterating on one of them). */
const ONLY = process.env.BENCH_SCALE_ONLY ? new RegExp(process.env.BENCH_SCALE_ONLY) : undefined;
const KEEP = process.env.BENCH_SCALE_KEEP === "1" || REUSE !== undefined;
const PASSWORD = "bench-scale-password-1";
const SECRET = "bench-secret-bench-secret-bench-secret-01";
const ROOT = resolve(import.meta.dir, "..");

const log = (line: string) => console.log(line);

type Server = ServerProcess;

function serverEnv(storage: Record<string, string>, port: number): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    ...storage,
    NODE_ENV: "production",
    AUTH_SECRET: SECRET,
    PORT: String(port),
    HOST: "127.0.0.1",
    BASE_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: "warn",
    RATE_LIMIT_ENABLED: "false",
  };
}

async function runMigrations(storage: Record<string, string>): Promise<void> {
  const child = Bun.spawn(["bun", "src/migrate.ts"], {
    cwd: ROOT,
    env: serverEnv(storage, 0),
    stdout: "inherit",
    stderr: "inherit",
  });
  if ((await child.exited) !== 0) throw new Error("migrations failed");
}

/**
 * Gatehouse as `npm start` starts it (the bundle: bench/processes.ts), so that start to ready is the figure of
 * `npm run bench` on a million users; under the profiler, from its sources (a profile names their lines).
 */
async function startServer(storage: Record<string, string>, profile?: string): Promise<Server> {
  const port = 41_000 + Math.floor(Math.random() * 1000);
  const command = profile
    ? ["bun", "--cpu-prof-md", `--cpu-prof-dir=${profile}`, "--max-http-header-size=65536", "src/index.ts"]
    : startCommand();
  return startProcess({
    name: "gatehouse",
    command,
    env: serverEnv(storage, port),
    port,
    readyPath: "/health",
  });
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/**
 * CPU time (user + system) the server process has used, in ms: on a machine shared with other work a query's
 * latency grows with the load, its CPU cost in the server much less (on SQLite it is the query's cost; on
 * PostgreSQL the database's share runs in its own processes and is not in it).
 */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  // utime and stime are fields 14 and 15 of the line, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

interface Query {
  readonly name: string;
  /** The i-th request of this query: varied so that no answer is served from a page cache of the same row. */
  readonly path: (i: number) => string;
  readonly headers?: Record<string, string>;
}

async function measure(server: Server, token: string, query: Query): Promise<string> {
  const timings: number[] = [];
  let failures = 0;
  let rows = 0;
  let cpuAtStart = 0;
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    if (i === WARMUP) cpuAtStart = cpuMs(server.pid);
    const started = performance.now();
    const response = await fetch(`${server.url}${query.path(i)}`, {
      headers: { authorization: `Bearer ${token}`, ...query.headers },
    });
    const body = (await response.json()) as { data?: unknown[]; users?: unknown[] };
    const elapsed = performance.now() - started;
    if (!response.ok) {
      failures++;
      if (failures === 1) log(`    ${query.name}: ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
    }
    if (i >= WARMUP) {
      timings.push(elapsed);
      rows += (body.data ?? body.users ?? [body]).length;
    }
  }
  const cpuPerRequest = (cpuMs(server.pid) - cpuAtStart) / SAMPLES;
  timings.sort((a, b) => a - b);
  const cells = [
    query.name.padEnd(52),
    percentile(timings, 50).toFixed(1).padStart(8),
    percentile(timings, 95).toFixed(1).padStart(8),
    (rows / SAMPLES).toFixed(0).padStart(6),
    cpuPerRequest.toFixed(1).padStart(8),
    failures ? `  ${failures} failed` : "",
  ];
  return cells.join("");
}

/** A user number spread over the whole table, different for every request. */
const spread = (i: number) => 1 + ((i * 7919 + 13) % USERS);
const tenantSlug = (i: number) => `t${1 + ((i * 31) % TENANTS)}`;

function queries(deepCursor: string): Query[] {
  const last = (i: number) => LAST_NAMES[i % LAST_NAMES.length] as string;
  const first = (i: number) => FIRST_NAMES[i % FIRST_NAMES.length] as string;
  const emailPrefix = (i: number) => encodeURIComponent(userEmail(spread(i)).slice(0, -14));
  return [
    { name: "GET /v1/users/{id}", path: (i) => `/v1/users/${userId(spread(i))}` },
    { name: "GET /v1/users (default tenant, first page)", path: () => "/v1/users?limit=50" },
    {
      name: "GET /v1/users (default tenant, deep cursor)",
      path: () => `/v1/users?limit=50&cursor=${deepCursor}`,
    },
    {
      name: "GET /v1/users (one tenant of 10k)",
      path: () => "/v1/users?limit=50",
      headers: { "x-tenant-id": tenantSlug(7) },
    },
    { name: "GET /v1/users?q=<e-mail prefix>", path: (i) => `/v1/users?limit=50&q=${emailPrefix(i)}` },
    { name: "GET /v1/users?q=<last name>", path: (i) => `/v1/users?limit=50&q=${last(i)}` },
    { name: "GET /v1/users?q=<first last>", path: (i) => `/v1/users?limit=50&q=${first(i)}%20${last(i)}` },
    { name: "GET /v1/users?q=<username>", path: (i) => `/v1/users?limit=50&q=user${spread(i)}` },
    {
      name: "GET /v1/users?q=<phone>",
      path: (i) => `/v1/users?limit=50&q=${encodeURIComponent(userPhone(spread(i)))}`,
    },
    { name: "GET /v1/users?status=pending", path: () => "/v1/users?limit=50&status=pending" },
    {
      name: "GET /v1/users?role=user&status=disabled",
      path: () => "/v1/users?limit=50&role=user&status=disabled",
    },
    {
      name: "GET /v1/users?role=admin (one tenant)",
      path: () => "/v1/users?limit=50&role=admin",
      // Tenant t26 holds users n ≡ 25 (mod tenants): every one of them is an admin there (n mod 25 = 0).
      headers: { "x-tenant-id": "t26" },
    },
    { name: "GeoLens GET /api/admin/users/ (first page)", path: () => "/api/admin/users/?limit=50" },
    { name: "GeoLens ?skip=<deep>", path: (i) => `/api/admin/users/?limit=50&skip=${spread(i) - 1}` },
    {
      name: "GeoLens ?search=<e-mail prefix>",
      path: (i) => `/api/admin/users/?limit=50&search=${emailPrefix(i)}`,
    },
    { name: "GeoLens ?search=<username>", path: (i) => `/api/admin/users/?limit=50&search=user${spread(i)}` },
    {
      name: "GeoLens ?status=pending&sort=email",
      path: () => "/api/admin/users/?limit=50&status=pending&sort=email",
    },
    { name: "better-auth admin/list-users (first page)", path: () => "/api/auth/admin/list-users?limit=50" },
    {
      name: "better-auth admin/list-users ?offset=<deep>",
      path: (i) => `/api/auth/admin/list-users?limit=50&offset=${spread(i) - 1}`,
    },
    {
      name: "better-auth list-users email starts_with",
      path: (i) =>
        `/api/auth/admin/list-users?limit=50&searchField=email&searchOperator=starts_with&searchValue=${emailPrefix(i)}`,
    },
    {
      name: "better-auth list-users name contains",
      path: (i) => `/api/auth/admin/list-users?limit=50&searchField=name&searchValue=${last(i)}`,
    },
  ];
}

async function signIn(server: Server): Promise<string> {
  const response = await fetch(`${server.url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url },
    body: JSON.stringify({ email: userEmail(1), password: PASSWORD }),
  });
  const body = (await response.json()) as { token?: string };
  if (!response.ok || !body.token)
    throw new Error(`sign-in failed: ${response.status} ${JSON.stringify(body)}`);
  return body.token;
}

async function deepCursorOf(server: Server, token: string): Promise<string> {
  // The cursor is opaque to clients; build it as a client would get it: from the page before a user deep inside.
  const deep = Math.floor(USERS * 0.6);
  const response = await fetch(`${server.url}/v1/users/${userId(deep)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const user = (await response.json()) as { id: string; created_at: string };
  return Buffer.from(JSON.stringify([user.created_at, user.id])).toString("base64url");
}

async function prepareStorage(): Promise<{ storage: Record<string, string>; cleanup: () => Promise<void> }> {
  const hash = await createPasswordHasher({ memoryCost: 19_456, timeCost: 2, parallelism: 1 }).hash(PASSWORD);
  const plan = (defaultTenantId: string) => ({
    users: USERS,
    tenants: TENANTS,
    passwordHash: hash,
    defaultTenantId,
  });
  if (!DATABASE_URL) {
    const dir = REUSE ?? mkdtempSync(join(tmpdir(), "gatehouse-scale-"));
    const storage = { DATA_DIR: dir };
    await runMigrations(storage);
    if (REUSE) return { storage, cleanup: async () => log(`kept ${dir}`) };
    const db = new Database(join(dir, "gatehouse.sqlite"));
    const tenant = db.query("SELECT id FROM organization WHERE slug = 'default'").get() as { id: string };
    await seedSqlite(db, plan(tenant.id), log);
    db.close();
    return {
      storage,
      cleanup: async () => {
        if (KEEP) log(`kept ${dir}`);
        else rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = REUSE ?? `bench_scale_${Date.now().toString(36)}`;
  const storage = { DATABASE_URL, DATABASE_SCHEMA: schema };
  await runMigrations(storage);
  if (REUSE) return { storage, cleanup: async () => log(`kept schema ${schema}`) };
  const pool = new pg.Pool({ connectionString: DATABASE_URL, options: `-c search_path="${schema}"` });
  const tenant = (await pool.query("SELECT id FROM organization WHERE slug = 'default'")).rows[0] as {
    id: string;
  };
  await seedPostgres(pool, plan(tenant.id), log);
  return {
    storage,
    cleanup: async () => {
      if (!KEEP) await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
      else log(`kept schema ${schema}`);
      await pool.end();
    },
  };
}

async function main() {
  log(`bench:scale — ${USERS} users, ${TENANTS} tenants on ${DATABASE_URL ? "PostgreSQL" : "SQLite"}`);
  const seedStarted = performance.now();
  const { storage, cleanup } = await prepareStorage();
  log(
    `seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s (tenant ids ${TENANT_ID_PREFIX}…)`,
  );
  try {
    // The first start after seeding may run start-up repairs once; the second is the one a restart sees.
    const first = await startServer(storage);
    log(`first start to ready: ${first.readyMs.toFixed(0)} ms`);
    await first.stop();
    const server = await startServer(storage, PROFILE);
    log(`start to ready: ${server.readyMs.toFixed(0)} ms, RSS at ready ${rssMiB(server.pid).toFixed(0)} MiB`);
    try {
      const token = await signIn(server);
      const deepCursor = await deepCursorOf(server, token);
      log(
        `${"query".padEnd(52)}${"p50 ms".padStart(8)}${"p95 ms".padStart(8)}${"rows".padStart(6)}${"CPU ms".padStart(8)}`,
      );
      for (const query of queries(deepCursor)) {
        if (!ONLY || ONLY.test(query.name)) log(await measure(server, token, query));
      }
      log(`server RSS after the queries: ${rssMiB(server.pid).toFixed(0)} MiB`);
    } finally {
      await server.stop();
    }
  } finally {
    await cleanup();
  }
}

await main();
