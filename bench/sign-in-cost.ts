/**
 * `bun bench/sign-in-cost.ts [n]`: the main thread's cost of one sign-in, in process, without the hash. Builds
 * Gatehouse with production settings on a temp SQLite (rate limit off, as `npm run bench`), signs in `n` times one
 * at a time, and prints the milliseconds per sign-in spent outside password verification (which runs on a
 * worker thread) and the SQL statements each sign-in ran. Every such millisecond is taken from a core that could
 * hash instead (issue 14 goal 4), so it is the figure to lower; measured sequentially so that no queue adds to it.
 */
import { Database, type Statement } from "bun:sqlite";
import { mkdtempSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { createDeps } from "../src/deps.ts";
import { CLIENT_IP_HEADER } from "../src/platform/client-ip.ts";
import { measureHashRate } from "./hash-rate.ts";
import { hashingThreads, mainThread, type ThreadTimes } from "./thread-times.ts";

const n = Number(process.argv[2] ?? 200);
const PASSWORD = "bench-password-1";
const USERS = Number(process.env.USERS ?? 500);
const statements: string[] = [];
const statementMs = new Map<string, number>();
let counting = false;
// Counts the statements run (SQLite: every query of better-auth and ours goes through Database#prepare/query).
for (const method of ["prepare", "query"] as const) {
  const original = Database.prototype[method] as (
    this: Database,
    sql: string,
    ...rest: unknown[]
  ) => Statement;
  (Database.prototype as unknown as Record<string, unknown>)[method] = function (
    this: Database,
    sql: string,
    ...rest: unknown[]
  ) {
    const statement = original.call(this, sql, ...rest);
    const label = sql.replace(/\s+/g, " ").slice(0, 110);
    return new Proxy(statement, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== "function") return value;
        if (property === "run" || property === "all" || property === "get" || property === "values")
          return (...args: unknown[]) => {
            if (!counting) return (value as (...a: unknown[]) => unknown).apply(target, args);
            const started = performance.now();
            try {
              return (value as (...a: unknown[]) => unknown).apply(target, args);
            } finally {
              statements.push(label);
              statementMs.set(label, (statementMs.get(label) ?? 0) + performance.now() - started);
            }
          };
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    });
  };
}

const baseUrl = "http://127.0.0.1:1";
const config = loadConfig(
  {
    NODE_ENV: "production",
    DATA_DIR: mkdtempSync(join(tmpdir(), "gatehouse-sign-in-cost-")),
    AUTH_SECRET: "bench-secret-bench-secret-bench-secret-01",
    BASE_URL: baseUrl,
    LOG_LEVEL: "silent",
    RATE_LIMIT_ENABLED: process.env.RATE_LIMIT_ENABLED ?? "false",
    ...(process.env.PASSWORD_HASH_CONCURRENCY
      ? { PASSWORD_HASH_CONCURRENCY: process.env.PASSWORD_HASH_CONCURRENCY }
      : {}),
  },
  () => {},
);
const deps = await createDeps(config);
const app = createApp(deps);
const post = (path: string, body: unknown) =>
  app.handle(
    new Request(`${baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: baseUrl, [CLIENT_IP_HEADER]: "10.0.0.1" },
      body: JSON.stringify(body),
    }),
  );
// The users are signed up with one hash made in advance (their passwords are the same), so that the set-up costs
// no argon2id per user and a profile of this script shows sign-ins, not sign-ups.
const slots = deps.passwords.slots;
const run = slots.run;
const stored = await deps.passwords.hash(PASSWORD);
slots.run = (async () => stored) as typeof run;
for (let i = 0; i < USERS; i++) {
  const response = await post("/api/auth/sign-up/email", {
    email: `cost-${i}@bench.test`,
    password: PASSWORD,
    name: `cost-${i}`,
  });
  if (!response.ok) throw new Error(`sign-up ${response.status} ${await response.text()}`);
}
slots.run = run;
let hashing = 0;
let verifications = 0;
const verify = deps.passwords.verify;
deps.passwords.verify = async (hash, password) => {
  const started = performance.now();
  try {
    // NO_HASH=1 (for a CPU profile of the main thread alone): every verification succeeds at once.
    return process.env.NO_HASH ? true : await verify(hash, password);
  } finally {
    hashing += performance.now() - started;
    verifications++;
  }
};
const signIn = (i: number) =>
  post("/api/auth/sign-in/email", { email: `cost-${i % USERS}@bench.test`, password: PASSWORD });
if (process.env.IN_FLIGHT) {
  await flood(Number(process.env.IN_FLIGHT), Number(process.env.SECONDS ?? 8));
  await deps.close();
  process.exit(0);
}
// Warm-up: JIT, prepared statements, caches.
for (let i = 0; i < 50; i++) await signIn(i);
hashing = 0;
verifications = 0;
counting = true;
statements.length = 0;
const started = performance.now();
const cpuBefore = process.cpuUsage();
for (let i = 0; i < n; i++) {
  const response = await signIn(i);
  if (response.status !== 200) throw new Error(`sign-in ${response.status} ${await response.text()}`);
  await response.arrayBuffer();
}
const total = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
counting = false;
const counts = new Map<string, number>();
for (const sql of statements) counts.set(sql, (counts.get(sql) ?? 0) + 1);
console.log(
  JSON.stringify({
    signIns: n,
    msPerSignIn: +(total / n).toFixed(2),
    hashMsPerSignIn: +(hashing / n).toFixed(2),
    mainThreadMsPerSignIn: +((total - hashing) / n).toFixed(2),
    // With NO_HASH=1 no worker thread hashes: the process's CPU time is the main thread's (and the JIT's and GC's),
    // a steadier figure than wall time on a machine shared with other work.
    cpuMsPerSignIn: +((cpu.user + cpu.system) / 1000 / n).toFixed(2),
    verificationsPerSignIn: verifications / n,
    statementsPerSignIn: statements.length / n,
  }),
);
if (process.env.SHOW_SQL)
  for (const [sql, count] of [...counts].sort((a, b) => b[1] - a[1]))
    console.log((count / n).toFixed(2), `${(((statementMs.get(sql) ?? 0) / n) * 1000).toFixed(0)} µs`, sql);
await deps.close();
process.exit(0);

/**
 * IN_FLIGHT=50 (with real hashing): that many sign-ins at once for SECONDS, like wrk's connections, and what the
 * hashing threads did meanwhile, from the kernel's schedstat: running, runnable but waiting for a core (other
 * work on the machine), and idle. Idle time while sign-ins wait at the gate is a core not hashing: the time a
 * finished hash's slot waits for the main thread to start the next one.
 */
async function flood(inFlight: number, seconds: number): Promise<void> {
  for (let i = 0; i < 20; i++) await signIn(i);
  const before = hashingThreads();
  const started = performance.now();
  const end = started + seconds * 1000;
  let done = 0;
  const client = async (offset: number) => {
    for (let i = offset; performance.now() < end; i += inFlight) {
      const response = await signIn(i);
      await response.arrayBuffer();
      if (response.status === 200) done++;
    }
  };
  // How often a sign-in was waiting at the gate: when none is, the hashing threads idle for want of work
  // (the main thread is the bottleneck), not for a slow hand-over.
  let samples = 0;
  let queued = 0;
  const sampler = setInterval(() => {
    samples++;
    if (deps.passwords.slots.stats().waiting > 0) queued++;
  }, 2);
  const main = mainThread();
  await Promise.all(Array.from({ length: inFlight }, (_, k) => client(k)));
  clearInterval(sampler);
  const mainAfter = mainThread();
  const wall = (performance.now() - started) * 1e6;
  const after = hashingThreads();
  // argon2id alone right after, one at a time (bench/hash-rate.ts): the hash-bound limit of the same minute.
  const perCore = await measureHashRate({ seconds: 3, ...deps.config.argon2, concurrency: 1 });
  const share = (pick: (t: ThreadTimes) => number) =>
    after.reduce((sum, t) => {
      const then = before.find((b) => b.tid === t.tid);
      return sum + pick(t) - (then ? pick(then) : 0);
    }, 0) /
    (wall * Math.max(1, after.length));
  console.log(
    JSON.stringify({
      inFlight,
      concurrency: deps.config.passwordHashing.concurrency,
      signInsPerSecond: +(done / (wall / 1e9)).toFixed(1),
      hashBoundLimit: +(perCore * availableParallelism()).toFixed(1),
      ratio: +(done / (wall / 1e9) / (perCore * availableParallelism())).toFixed(2),
      hashingThreads: after.length,
      running: +share((t) => t.runNs).toFixed(3),
      waitingForCore: +share((t) => t.waitNs).toFixed(3),
      idle: +(1 - share((t) => t.runNs + t.waitNs)).toFixed(3),
      gateQueuedShare: +(queued / Math.max(1, samples)).toFixed(3),
      mainRunning: +((mainAfter.runNs - main.runNs) / wall).toFixed(3),
      mainWaitingForCore: +((mainAfter.waitNs - main.waitNs) / wall).toFixed(3),
    }),
  );
}
