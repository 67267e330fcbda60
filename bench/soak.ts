/**
 * `npm run soak`: a long mixed load against a real server process, to see whether memory and latency stay flat
 * (issue 11 item 8: a 5-minute soak once fell from 230 to ~160 req/s while RSS rose 157 → 353 MiB). Minutes, not
 * for CI; figures, not assertions.
 *
 * Starts `bun src/index.ts` on a temp DATA_DIR (production settings, SQLite, loopback only), then drives it from
 * this process with fetch: sign-up, sign-in (a third of them as one "hot" user, whose sessions pile up against
 * MAX_SESSIONS_PER_USER), get-session, `GET /v1/users?limit=20` as the platform admin, and sign-out. Every
 * SOAK_REPORT_SECONDS it prints the server's RSS, the requests per second and p50/p99 latency of that interval,
 * overall and for sign-in; at the end the server is stopped with SIGTERM.
 *
 * SOAK_SECONDS (default 300), SOAK_CONCURRENCY (default 8), SOAK_REPORT_SECONDS (default 10); any other
 * variable given as SOAK_ENV_<NAME> is passed to the server as <NAME> (e.g. SOAK_ENV_MAX_SESSIONS_PER_USER=0).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 8);
const REPORT_SECONDS = Number(process.env.SOAK_REPORT_SECONDS ?? 10);
const ENTRY = join(import.meta.dir, "..", "src", "index.ts");
const ADMIN = { email: "admin@soak.test", password: "soak-admin-password-1" };
const PASSWORD = "soak-password-1";
const HOT_USER = "hot@soak.test";

type Op = "sign-up" | "sign-in" | "get-session" | "list-users" | "sign-out";

// Weights of the mix: reads dominate, as in a real deployment; sign-outs keep most sessions short-lived.
const MIX: readonly [Op, number][] = [
  ["sign-up", 8],
  ["sign-in", 22],
  ["get-session", 40],
  ["list-users", 15],
  ["sign-out", 15],
];

interface Interval {
  latencies: Record<Op, number[]>;
  failures: number;
}

const emptyInterval = (): Interval => ({
  latencies: { "sign-up": [], "sign-in": [], "get-session": [], "list-users": [], "sign-out": [] },
  failures: 0,
});

function passthroughEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith("SOAK_ENV_") && value !== undefined) env[name.slice("SOAK_ENV_".length)] = value;
  }
  return env;
}

async function freePort(): Promise<number> {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port ?? 0;
  await probe.stop(true);
  return port;
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kib / 1024;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const fmt = (ms: number) => ms.toFixed(1).padStart(7);

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-soak-"));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = Bun.spawn([process.execPath, "--max-http-header-size=65536", ENTRY], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? tmpdir(),
      NODE_ENV: "production",
      AUTH_SECRET: "soak-secret-soak-secret-soak-secret-0123",
      HOST: "127.0.0.1",
      PORT: String(port),
      BASE_URL: baseUrl,
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      RATE_LIMIT_ENABLED: "false",
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ...passthroughEnv(),
    },
    stdin: "ignore",
    stdout: "inherit",
    stderr: "inherit",
  });
  try {
    await waitUntilUp(baseUrl, server);
    await run(baseUrl, server.pid);
  } finally {
    server.kill("SIGTERM");
    const code = await server.exited;
    console.log(`server stopped with SIGTERM: exit code ${code}`);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function waitUntilUp(baseUrl: string, server: Bun.Subprocess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
    if (
      await fetch(`${baseUrl}/api/auth/ok`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await Bun.sleep(100);
  }
  throw new Error("server did not answer within 30 s");
}

async function run(baseUrl: string, pid: number): Promise<void> {
  const headers = { "content-type": "application/json", origin: baseUrl };
  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${baseUrl}${path}`, {
      method: "POST",
      headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const signIn = async (email: string, password: string): Promise<string> => {
    const response = await post("/api/auth/sign-in/email", { email, password });
    const body = (await response.json()) as { token?: string };
    if (!response.ok || !body.token) throw new Error(`sign-in ${response.status}`);
    return body.token;
  };

  const adminToken = await signIn(ADMIN.email, ADMIN.password);
  await post("/api/auth/sign-up/email", { email: HOT_USER, password: PASSWORD, name: "Hot" });
  const users: string[] = [HOT_USER];
  // Sessions handed out and not yet signed out; a get-session or sign-out takes one of them.
  const sessions: string[] = [await signIn(HOT_USER, PASSWORD)];
  let signUps = 0;

  const ops: Record<Op, () => Promise<Response>> = {
    "sign-up": async () => {
      const email = `user-${++signUps}-${process.pid}@soak.test`;
      const response = await post("/api/auth/sign-up/email", { email, password: PASSWORD, name: "Soak" });
      if (response.ok) users.push(email);
      return response;
    },
    "sign-in": async () => {
      const email =
        Math.random() < 1 / 3 ? HOT_USER : (users[Math.floor(Math.random() * users.length)] ?? HOT_USER);
      const response = await post("/api/auth/sign-in/email", { email, password: PASSWORD });
      const body = (await response.clone().json()) as { token?: string };
      // Keep a bounded pool: the rest are simply abandoned, as clients do.
      if (body.token && sessions.length < 2000) sessions.push(body.token);
      return response;
    },
    "get-session": () => {
      const token = sessions[Math.floor(Math.random() * sessions.length)] ?? adminToken;
      return fetch(`${baseUrl}/api/auth/get-session`, { headers: { authorization: `Bearer ${token}` } });
    },
    "list-users": () =>
      fetch(`${baseUrl}/v1/users?limit=20`, { headers: { authorization: `Bearer ${adminToken}` } }),
    "sign-out": () => {
      const index = Math.floor(Math.random() * sessions.length);
      const token = sessions.length > 1 ? sessions.splice(index, 1)[0] : undefined;
      return post("/api/auth/sign-out", {}, token ?? adminToken);
    },
  };
  const total = MIX.reduce((sum, [, weight]) => sum + weight, 0);
  const pick = (): Op => {
    let roll = Math.random() * total;
    for (const [op, weight] of MIX) {
      roll -= weight;
      if (roll < 0) return op;
    }
    return "get-session";
  };

  let interval = emptyInterval();
  const started = Date.now();
  const deadline = started + SECONDS * 1000;
  console.log(
    `soak: ${SECONDS} s, ${CONCURRENCY} concurrent clients, report every ${REPORT_SECONDS} s (server pid ${pid})`,
  );
  console.log("  time   rss MiB   req/s   p50 ms   p99 ms  sign-in p50  sign-in p99  failures");
  const report = () => {
    const all = Object.values(interval.latencies)
      .flat()
      .sort((a, b) => a - b);
    const signIns = [...interval.latencies["sign-in"]].sort((a, b) => a - b);
    const elapsed = Math.round((Date.now() - started) / 1000);
    console.log(
      `${String(elapsed).padStart(5)} s ${rssMiB(pid).toFixed(0).padStart(8)} ${(all.length / REPORT_SECONDS)
        .toFixed(0)
        .padStart(
          7,
        )} ${fmt(percentile(all, 50))}  ${fmt(percentile(all, 99))}      ${fmt(percentile(signIns, 50))}      ${fmt(
        percentile(signIns, 99),
      )}  ${String(interval.failures).padStart(8)}`,
    );
    interval = emptyInterval();
  };
  const reporter = setInterval(report, REPORT_SECONDS * 1000);

  const worker = async () => {
    while (Date.now() < deadline) {
      const op = pick();
      const begun = performance.now();
      try {
        const response = await ops[op]();
        await response.arrayBuffer();
        interval.latencies[op].push(performance.now() - begun);
        if (response.status >= 500) interval.failures++;
      } catch {
        interval.failures++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  clearInterval(reporter);
  console.log(`done: ${users.length} accounts, ${sessions.length} sessions held by the clients at the end`);
}

await main();
