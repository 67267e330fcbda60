/**
 * `npm run bench`: Gatehouse against a plain Better Auth server (its defaults: scrypt hashing, no plugins) in the
 * same run, on this machine, over loopback HTTP. Prints sign-in and get-session throughput and latency for
 * both, and the ratios. Figures, not assertions: compare runs on the same machine.
 *
 * BENCH_REQUESTS (default 400) and BENCH_CONCURRENCY (default 16) bound the load.
 */
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { createDeps } from "../src/deps.ts";
import { serve } from "../src/server.ts";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const USERS = 20;
const PASSWORD = "bench-password-1";
const SECRET = "bench-secret-bench-secret-bench-secret-01";

interface Target {
  readonly name: string;
  readonly url: string;
  stop(): Promise<void>;
}

interface Result {
  readonly perSecond: number;
  readonly p50: number;
  readonly p95: number;
  readonly failures: number;
}

async function startGatehouse(dir: string): Promise<Target> {
  const port = 39_000 + Math.floor(Math.random() * 1000);
  const config = loadConfig(
    {
      NODE_ENV: "production",
      AUTH_SECRET: SECRET,
      DATA_DIR: join(dir, "gatehouse"),
      BASE_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: "silent",
      RATE_LIMIT_ENABLED: "false",
    },
    () => {},
  );
  const deps = await createDeps(config);
  const server = serve(createApp(deps), {
    port,
    hostname: "127.0.0.1",
    maxBodyBytes: config.maxBodyBytes,
    trustProxy: false,
  });
  return {
    name: "gatehouse",
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await server.stop(true);
      await deps.close();
    },
  };
}

async function startBaseline(dir: string): Promise<Target> {
  const port = 40_000 + Math.floor(Math.random() * 1000);
  const database = new Database(join(dir, "baseline.sqlite"), { create: true });
  database.exec("PRAGMA journal_mode = WAL");
  const options = {
    database,
    secret: SECRET,
    baseURL: `http://127.0.0.1:${port}`,
    emailAndPassword: { enabled: true },
    rateLimit: { enabled: false },
    logger: { disabled: true },
  };
  const { runMigrations } = await getMigrations(options);
  await runMigrations();
  const auth = betterAuth(options);
  const server = Bun.serve({ port, hostname: "127.0.0.1", fetch: (request) => auth.handler(request) });
  return {
    name: "better-auth baseline",
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await server.stop(true);
      database.close();
    },
  };
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", origin: new URL(url).origin, ...headers },
    body: JSON.stringify(body),
  });
}

async function signUpUsers(target: Target): Promise<string[]> {
  const emails: string[] = [];
  for (let i = 0; i < USERS; i++) {
    const email = `bench-${i}@example.com`;
    const response = await post(`${target.url}/api/auth/sign-up/email`, {
      email,
      password: PASSWORD,
      name: `Bench ${i}`,
    });
    if (!response.ok) throw new Error(`${target.name}: sign-up failed with ${response.status}`);
    emails.push(email);
  }
  return emails;
}

/** Runs `total` calls of `call` with `CONCURRENCY` in flight; latencies in ms. */
async function load(total: number, call: (i: number) => Promise<boolean>): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        if (!(await call(i))) failures++;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { perSecond: total / seconds, p50: at(0.5), p95: at(0.95), failures };
}

async function measure(target: Target) {
  const emails = await signUpUsers(target);
  const signIn = await load(Math.min(REQUESTS, 200), async (i) => {
    const response = await post(`${target.url}/api/auth/sign-in/email`, {
      email: emails[i % emails.length],
      password: PASSWORD,
    });
    await response.arrayBuffer();
    return response.ok;
  });
  const session = await post(`${target.url}/api/auth/sign-in/email`, {
    email: emails[0],
    password: PASSWORD,
  });
  const cookie = (session.headers.getSetCookie() ?? []).map((c) => c.split(";")[0]).join("; ");
  const getSession = await load(REQUESTS * 5, async () => {
    const response = await fetch(`${target.url}/api/auth/get-session`, { headers: { cookie } });
    const body = await response.text();
    return response.ok && body.includes("session");
  });
  return { signIn, getSession };
}

function row(name: string, what: string, r: Result): string {
  return `${name.padEnd(22)} ${what.padEnd(12)} ${r.perSecond.toFixed(0).padStart(7)} req/s   p50 ${r.p50.toFixed(1).padStart(6)} ms   p95 ${r.p95.toFixed(1).padStart(6)} ms   failures ${r.failures}`;
}

const dir = mkdtempSync(join(tmpdir(), "gatehouse-bench-"));
try {
  const rssBefore = process.memoryUsage().rss;
  const baseline = await startBaseline(dir);
  const base = await measure(baseline);
  await baseline.stop();
  const gatehouse = await startGatehouse(dir);
  const ours = await measure(gatehouse);
  await gatehouse.stop();
  console.log(
    `concurrency ${CONCURRENCY}, ${USERS} users, SQLite, loopback HTTP, client in the same process\n`,
  );
  console.log(row("better-auth baseline", "sign-in", base.signIn));
  console.log(row("gatehouse", "sign-in", ours.signIn));
  console.log(row("better-auth baseline", "get-session", base.getSession));
  console.log(row("gatehouse", "get-session", ours.getSession));
  console.log(
    `\nratio gatehouse / baseline: sign-in ${(ours.signIn.perSecond / base.signIn.perSecond).toFixed(2)}x, ` +
      `get-session ${(ours.getSession.perSecond / base.getSession.perSecond).toFixed(2)}x (higher is better)`,
  );
  console.log(
    `process RSS grew by ${((process.memoryUsage().rss - rssBefore) / 1024 / 1024).toFixed(0)} MiB over both runs`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
