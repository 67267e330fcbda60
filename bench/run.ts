/**
 * `npm run bench`: the record of issue 14's goals 1, 3, 4 and 5, measured in one run on this machine.
 *
 * Every server is a process of its own — Gatehouse started as `npm start` starts it (production settings, SQLite
 * in a temp DATA_DIR, rate limits off, logs silent), plain better-auth on Bun with its defaults
 * (bench/baseline-server.ts), a bare `Bun.serve` answering Gatehouse's /health JSON (bench/bare-server.ts) — and
 * so is the load: `wrk -t1 -c<BENCH_CONNECTIONS> --latency` where installed, else bench/load.ts; the fixed-rate
 * runs (p99 at half load) always use bench/load.ts, and argon2id's rate is measured by bench/hash-rate.ts.
 * The scenarios of one group run interleaved (A B C … A B C …) for BENCH_ROUNDS rounds of BENCH_SECONDS each,
 * and each figure is the median over the rounds, so that the ratios compare runs that saw the same machine.
 *
 * Prints figures only; the exit code says whether the bench ran, never whether a goal is met.
 * BENCH_ROUNDS (3), BENCH_SECONDS (5), BENCH_CONNECTIONS (50), BENCH_USERS (500 pre-created users for the
 * sign-in flood), BENCH_STARTS (5 restarts for start to ready), BENCH_LOADER (wrk | bun), and BENCH_ENV_<NAME>
 * passes <NAME> to Gatehouse (e.g. BENCH_ENV_MAX_SESSIONS_PER_USER=0).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { runHashRateProcess } from "./hash-rate.ts";
import { runLoadProcess } from "./load.ts";
import type { LoadResult, LoadSpec } from "./load-spec.ts";
import { runModuleLoadProcess } from "./module-load.ts";
import {
  freePort,
  memory,
  npmPath,
  REPO,
  type ServerProcess,
  sampleRss,
  startCommand,
  startServer,
} from "./processes.ts";
import { fixed, machineLine, type Ratio, type Row, ratio, ratios, table } from "./report.ts";
import { seedBaseline, seedGatehouse } from "./seed.ts";
import { compareBytes, compareWithBaseline } from "./session-shape.ts";
import { median } from "./stats.ts";
import { runWrk, wrkPath } from "./wrk.ts";

const int = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}: a positive integer, got ${value}`);
  return value;
};
const ROUNDS = int("BENCH_ROUNDS", 3);
const SECONDS = int("BENCH_SECONDS", 5);
const CONNECTIONS = int("BENCH_CONNECTIONS", 50);
const USERS = int("BENCH_USERS", 500);
const STARTS = int("BENCH_STARTS", 5);
const LOADER = process.env.BENCH_LOADER ?? (wrkPath() ? "wrk" : "bun");
const CORES = availableParallelism();
// The idle figure is read after this pause, once start-up's garbage has had a chance to be collected.
const IDLE_SETTLE_MS = 2000;
const SECRET = "bench-secret-bench-secret-bench-secret-01";
const ADMIN = { email: "admin@bench.test", password: "bench-admin-password-1" };

const warnings: string[] = [];

function passthroughEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith("BENCH_ENV_") && value !== undefined) env[name.slice("BENCH_ENV_".length)] = value;
  }
  return env;
}

function gatehouseEnv(port: number, dataDir: string): Record<string, string> {
  return {
    PATH: npmPath(),
    HOME: process.env.HOME ?? tmpdir(),
    NODE_ENV: "production",
    AUTH_SECRET: SECRET,
    HOST: "127.0.0.1",
    PORT: String(port),
    BASE_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    RATE_LIMIT_ENABLED: "false",
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    // The bench stops Gatehouse between restarts; nothing is in flight then.
    SHUTDOWN_GRACE_MS: "500",
    ...passthroughEnv(),
  };
}

const startGatehouse = async (port: number, dataDir: string) =>
  startServer({
    name: "gatehouse",
    command: startCommand(),
    env: gatehouseEnv(port, dataDir),
    port,
    readyPath: "/health",
  });

async function startBun(name: string, file: string, env: Record<string, string>, readyPath: string) {
  const port = await freePort();
  return startServer({
    name,
    command: [process.execPath, join(REPO, "bench", file)],
    env: {
      PATH: npmPath(),
      HOME: process.env.HOME ?? tmpdir(),
      NODE_ENV: "production",
      PORT: String(port),
      ...env,
    },
    port,
    readyPath,
  });
}

interface Scenario {
  readonly name: string;
  readonly server: ServerProcess;
  readonly spec: Omit<LoadSpec, "seconds" | "connections">;
}

const closedLoop = (spec: LoadSpec): Promise<LoadResult> =>
  LOADER === "wrk" ? runWrk(spec) : runLoadProcess(spec);

async function measured(server: ServerProcess, run: () => Promise<LoadResult>) {
  const sampler = sampleRss(server.pid);
  const result = await run();
  return { result, rssMiB: sampler.stop() };
}

function toRow(name: string, runs: { result: LoadResult; rssMiB: number }[]): Row {
  return {
    scenario: name,
    perSecond: median(runs.map((r) => r.result.perSecond)),
    p50Ms: median(runs.map((r) => r.result.p50Ms)),
    p99Ms: median(runs.map((r) => r.result.p99Ms)),
    rssMiB: Math.max(...runs.map((r) => r.rssMiB)),
    errors: runs.reduce((sum, r) => sum + r.result.errors, 0),
    errorKinds: sumKinds(runs.map((r) => r.result.errorKinds)),
  };
}

function sumKinds(list: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const kinds of list) for (const [kind, n] of Object.entries(kinds)) sum[kind] = (sum[kind] ?? 0) + n;
  return sum;
}

/** Runs the scenarios A B C … for ROUNDS rounds; one row per scenario (medians over the rounds). */
async function interleaved<S extends Scenario>(
  scenarios: readonly S[],
  run: (s: S) => Promise<LoadResult>,
): Promise<Row[]> {
  const runs = scenarios.map(() => [] as { result: LoadResult; rssMiB: number }[]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, scenario] of scenarios.entries()) {
      runs[i]?.push(await measured(scenario.server, () => run(scenario)));
    }
  }
  return scenarios.map((s, i) => toRow(s.name, runs[i] ?? []));
}

/** One request of each scenario before the load: it must answer 200, or its figures mean nothing. */
async function probe(scenarios: readonly Scenario[]): Promise<void> {
  for (const s of scenarios) {
    const response = await fetch(s.spec.url, {
      method: s.spec.method ?? "GET",
      headers: s.spec.headers,
      body: s.spec.bodies?.[0],
    });
    const text = await response.text();
    if (response.status !== 200) {
      warnings.push(
        `${s.name}: answered ${response.status} ${text.slice(0, 120)} — its figures count errors`,
      );
    } else if (s.spec.url.endsWith("/get-session") && text === "null") {
      // An unauthenticated get-session is a 200 too: the credential did not reach it or was not accepted.
      warnings.push(`${s.name}: answered null (no session) — its figures measure an anonymous request`);
    }
  }
}

async function getSession(base: string, headers: Record<string, string>): Promise<string> {
  return (await fetch(`${base}/api/auth/get-session`, { headers })).text();
}

async function checkSessionBytes(gatehouse: string, fixture: Awaited<ReturnType<typeof seedGatehouse>>) {
  return {
    first: await getSession(gatehouse, { cookie: fixture.user.cookie }),
    again: await getSession(gatehouse, { cookie: fixture.user.cookie }),
    bearer: await getSession(gatehouse, { authorization: `Bearer ${fixture.user.token}` }),
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-bench-"));
  const servers: ServerProcess[] = [];
  const dataDir = join(dir, "gatehouse");
  try {
    console.log(machineLine(CORES));
    console.log(
      `load: ${LOADER === "wrk" ? `wrk -t1 -c${CONNECTIONS}` : `bench/load.ts, ${CONNECTIONS} connections`}, ` +
        `${SECONDS} s per run, ${ROUNDS} rounds interleaved, median of the rounds; Gatehouse by \`${startCommand()[2]}\`\n`,
    );
    const ghPort = await freePort();
    const gatehouse = await startGatehouse(ghPort, dataDir);
    servers.push(gatehouse);
    const baseline = await startBun(
      "better-auth",
      "baseline-server.ts",
      { DATA_DIR: join(dir, "baseline"), AUTH_SECRET: SECRET },
      "/api/auth/ok",
    );
    servers.push(baseline);
    const healthBody = (await (await fetch(`${gatehouse.url}/health`)).json()) as { version?: string };
    const bare = await startBun(
      "bare",
      "bare-server.ts",
      { HEALTH_VERSION: healthBody.version ?? "" },
      "/health",
    );
    servers.push(bare);
    await Bun.sleep(IDLE_SETTLE_MS);
    const idle = new Map(servers.map((s) => [s.name, memory(s.pid).rssMiB]));

    const fixture = await seedGatehouse(gatehouse.url, ADMIN, USERS);
    const baselineSession = await seedBaseline(baseline.url);

    const bytes = await checkSessionBytes(gatehouse.url, fixture);
    const theirs = await getSession(baseline.url, { cookie: baselineSession.cookie });
    const shape = compareWithBaseline(bytes.first, theirs);
    const bytesWarnings = [
      ...compareBytes("gatehouse get-session, first and repeated request", bytes.first, bytes.again),
      ...compareBytes("gatehouse get-session, cookie and bearer of one session", bytes.first, bytes.bearer),
      ...shape.warnings,
    ];
    warnings.push(...bytesWarnings);

    const v1User = `${gatehouse.url}/v1/users/${fixture.user.userId}`;
    const sessionScenarios: Scenario[] = [
      { name: "gatehouse GET /health", server: gatehouse, spec: { url: `${gatehouse.url}/health` } },
      { name: "bare Bun.serve GET /health", server: bare, spec: { url: `${bare.url}/health` } },
      {
        name: "gatehouse get-session, cookie",
        server: gatehouse,
        spec: { url: `${gatehouse.url}/api/auth/get-session`, headers: { cookie: fixture.user.cookie } },
      },
      {
        name: "gatehouse get-session, bearer",
        server: gatehouse,
        spec: {
          url: `${gatehouse.url}/api/auth/get-session`,
          headers: { authorization: `Bearer ${fixture.user.token}` },
        },
      },
      {
        name: "better-auth get-session, cookie",
        server: baseline,
        spec: { url: `${baseline.url}/api/auth/get-session`, headers: { cookie: baselineSession.cookie } },
      },
      {
        name: "gatehouse GET /v1/users/{id}, bearer",
        server: gatehouse,
        spec: { url: v1User, headers: { authorization: `Bearer ${fixture.admin.token}` } },
      },
      {
        name: "gatehouse GET /v1/users/{id}, JWT",
        server: gatehouse,
        spec: { url: v1User, headers: { authorization: `Bearer ${fixture.adminJwt}` } },
      },
      {
        name: "gatehouse GET /v1/users/{id}, API key",
        server: gatehouse,
        spec: { url: v1User, headers: { "x-api-key": fixture.adminApiKey } },
      },
    ];
    await probe(sessionScenarios);
    const rows = await interleaved(sessionScenarios, (s) =>
      closedLoop({ ...s.spec, seconds: SECONDS, connections: CONNECTIONS }),
    );
    const byName = (name: string) => rows.find((r) => r.scenario === name);
    const rate = (name: string) => byName(name)?.perSecond ?? Number.NaN;

    // p99 at half of each get-session scenario's measured max: a fixed rate, which only bench/load.ts can hold.
    const halfLoad = sessionScenarios
      .filter((s) => s.name.includes("get-session"))
      .map((s) => ({ ...s, rate: Math.max(1, Math.round(rate(s.name) / 2)) }))
      .map((s) => ({ ...s, name: `${s.name} at ${s.rate} req/s (half)` }));
    const halfRows = await interleaved(halfLoad, (s) =>
      runLoadProcess({
        ...s.spec,
        seconds: SECONDS,
        connections: CONNECTIONS,
        rate: s.rate,
      }),
    );

    // Sign-in flood against the hash-bound limit, interleaved: A = the flood, B = argon2id alone.
    const argon2 = loadConfig(
      { NODE_ENV: "production", AUTH_SECRET: SECRET, DATA_DIR: dataDir },
      () => {},
    ).argon2;
    const signIn: Scenario = {
      name: "gatehouse POST /api/auth/sign-in/email",
      server: gatehouse,
      spec: {
        url: `${gatehouse.url}/api/auth/sign-in/email`,
        method: "POST",
        headers: { "content-type": "application/json", origin: gatehouse.url },
        bodies: fixture.signInBodies,
      },
    };
    const signInRuns: { result: LoadResult; rssMiB: number }[] = [];
    const hashRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      signInRuns.push(
        await measured(gatehouse, () =>
          closedLoop({ ...signIn.spec, seconds: SECONDS, connections: CONNECTIONS }),
        ),
      );
      hashRates.push(await runHashRateProcess({ seconds: SECONDS, ...argon2 }));
    }
    const signInRow = toRow(signIn.name, signInRuns);
    const hashPerCore = median(hashRates);
    const peaks = new Map(servers.map((s) => [s.name, memory(s.pid).hwmMiB]));

    // Start to ready on the database the run populated, and module load, each in fresh processes.
    await gatehouse.stop();
    servers.splice(servers.indexOf(gatehouse), 1);
    const starts: { readyMs: number; rssMiB: number }[] = [];
    for (let i = 0; i < STARTS; i++) {
      const again = await startGatehouse(await freePort(), dataDir);
      starts.push({ readyMs: again.readyMs, rssMiB: memory(again.pid).rssMiB });
      await again.stop();
    }
    const loads = [];
    for (let i = 0; i < STARTS; i++) loads.push(await runModuleLoadProcess());

    const idleRows: Row[] = [...idle].map(([name, rssMiB]) => ({
      scenario: `${name} idle after start`,
      perSecond: Number.NaN,
      p50Ms: Number.NaN,
      p99Ms: Number.NaN,
      rssMiB,
      errors: 0,
    }));
    const readyMs = median(starts.map((s) => s.readyMs));
    const moduleMs = median(loads.map((l) => l.ms));
    const startRow: Row = {
      scenario: `gatehouse start to ready (${USERS} users, ms as p50/p99 = median/max of ${STARTS})`,
      perSecond: Number.NaN,
      p50Ms: readyMs,
      p99Ms: Math.max(...starts.map((s) => s.readyMs)),
      rssMiB: median(starts.map((s) => s.rssMiB)),
      errors: 0,
    };
    const moduleRow: Row = {
      scenario: `import src/app.ts in a fresh process (median/max of ${STARTS})`,
      perSecond: Number.NaN,
      p50Ms: moduleMs,
      p99Ms: Math.max(...loads.map((l) => l.ms)),
      rssMiB: median(loads.map((l) => l.rssMiB)),
      errors: 0,
    };
    const loadRows = [...rows, ...halfRows, signInRow];
    for (const row of loadRows.filter((r) => r.errors > 0)) {
      const kinds = Object.entries(row.errorKinds ?? {})
        .map(([kind, n]) => `${kind} ${n}`)
        .join(", ");
      warnings.push(`${row.scenario}: ${row.errors} errors (${kinds}); refusals are not counted in req/s`);
    }
    console.log(table([...loadRows, ...idleRows, startRow, moduleRow]));
    console.log(
      `\nargon2id (m=${argon2.memoryCost} KiB, t=${argon2.timeCost}, p=${argon2.parallelism}) verifications, ` +
        `one at a time: ${fixed(hashPerCore)}/s per core → hash-bound limit ${fixed(hashPerCore * CORES)}/s on ${CORES} cores`,
    );
    console.log(
      `peak RSS since start (VmHWM): ${[...peaks].map(([name, mib]) => `${name} ${fixed(mib)} MiB`).join(", ")}`,
    );
    const extra = Object.entries(shape.extra)
      .map(([part, keys]) => `${part} +${keys.length} (${keys.join(", ")})`)
      .join("; ");
    console.log(`get-session fields beyond plain better-auth's (plugins): ${extra || "none"}`);

    const health = rate("gatehouse GET /health");
    const ba = rate("better-auth get-session, cookie");
    const sessionChecks = [
      "gatehouse get-session, cookie",
      "gatehouse get-session, bearer",
      "gatehouse GET /v1/users/{id}, bearer",
      "gatehouse GET /v1/users/{id}, JWT",
      "gatehouse GET /v1/users/{id}, API key",
    ];
    const short = (name: string) => name.replace("gatehouse ", "");
    const list: Ratio[] = [
      ...sessionChecks.map((name) => ({
        goal: "goal 1",
        what: `${short(name)} / health`,
        measured: ratio(rate(name), health),
        target: "goal ≥ 0.50",
      })),
      ...sessionChecks.map((name) => ({
        goal: "goal 1",
        what: `${short(name)} / better-auth get-session cookie`,
        measured: ratio(rate(name), ba),
        target: "goal ≥ 5",
      })),
      ...halfRows
        .filter((r) => r.scenario.startsWith("gatehouse"))
        .map((r) => ({
          goal: "goal 1",
          what: `p99 of ${short(r.scenario)}`,
          measured: `${fixed(r.p99Ms, 2)} ms`,
          target: "goal ≤ 5 ms",
        })),
      {
        goal: "goal 1",
        what: "get-session bytes (cookie = bearer = repeated, shaped as better-auth's)",
        measured: bytesWarnings.length > 0 ? "differ, see warnings" : "same",
        target: "goal: same",
      },
      {
        goal: "goal 3",
        what: "health / bare Bun.serve health",
        measured: ratio(health, rate("bare Bun.serve GET /health")),
        target: "goal ≥ 0.70",
      },
      {
        goal: "goal 4",
        what: "sign-in / hash-bound limit",
        measured: `${fixed(signInRow.perSecond)} / ${fixed(hashPerCore * CORES)} = ${ratio(
          signInRow.perSecond,
          hashPerCore * CORES,
        )}`,
        target: "goal ≥ 0.90",
      },
      {
        goal: "goal 4",
        what: "RSS under the sign-in flood",
        measured: `${fixed(signInRow.rssMiB)} MiB`,
        target: "goal ≤ 150 MB = 143 MiB",
      },
      {
        goal: "goal 4",
        what: "RSS idle after start",
        measured: `${fixed(idle.get("gatehouse") ?? Number.NaN)} MiB`,
        target: "goal ≤ 80 MB = 76 MiB",
      },
      {
        goal: "goal 5",
        what: `start to ready, populated SQLite (median of ${STARTS})`,
        measured: `${fixed(readyMs)} ms`,
        target: "goal ≤ 300 ms",
      },
      {
        goal: "goal 5",
        what: "module load (import src/app.ts)",
        measured: `${fixed(moduleMs)} ms, ${fixed(moduleRow.rssMiB)} MiB`,
        target: "part of the 300 ms",
      },
    ];
    console.log(`\n${ratios(list)}`);
    console.log(
      "goal 2 (revocation) and goal 6 (scale) are measured by their tests and `npm run bench:scale`.",
    );
    if (warnings.length > 0) console.log(`\nwarnings:\n${warnings.map((w) => `  ! ${w}`).join("\n")}`);
    console.log(`\n${machineLine(CORES).replace("machine:", "machine at the end:")}`);
  } finally {
    for (const server of servers) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
