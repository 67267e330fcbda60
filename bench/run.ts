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
import { BENCH_ADMIN, BENCH_SECRET, gatehouseEnv, passthroughEnv } from "./gatehouse-env.ts";
import { goalRatios } from "./goals.ts";
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
  startCommand,
  startServer,
} from "./processes.ts";
import { fixed, machineLine, type Row, ratios, table } from "./report.ts";
import { interleaved, type Measured, measured, toRow } from "./rounds.ts";
import { type Scenario, sessionScenarios, signInScenario } from "./scenarios.ts";
import { type GatehouseFixture, seedBaseline, seedGatehouse } from "./seed.ts";
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
const SECRET = BENCH_SECRET;
const ADMIN = BENCH_ADMIN;

const warnings: string[] = [];

const startGatehouse = async (dataDir: string) => {
  const port = await freePort();
  return startServer({
    name: "gatehouse",
    command: startCommand(),
    env: gatehouseEnv(port, dataDir),
    port,
    readyPath: "/health",
  });
};

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

const closedLoop = (spec: LoadSpec): Promise<LoadResult> =>
  LOADER === "wrk" ? runWrk(spec) : runLoadProcess(spec);

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

const getSession = async (base: string, headers: Record<string, string>) =>
  (await fetch(`${base}/api/auth/get-session`, { headers })).text();

/** Goal 1's "exactly better-auth's bytes", checked once before the load; the differences found. */
async function checkSessionBytes(gatehouse: string, fixture: GatehouseFixture, baseline: string) {
  const first = await getSession(gatehouse, { cookie: fixture.user.cookie });
  const again = await getSession(gatehouse, { cookie: fixture.user.cookie });
  const bearer = await getSession(gatehouse, { authorization: `Bearer ${fixture.user.token}` });
  const shape = compareWithBaseline(first, baseline);
  const differences = [
    ...compareBytes("gatehouse get-session, first and repeated request", first, again),
    ...compareBytes("gatehouse get-session, cookie and bearer of one session", first, bearer),
    ...shape.warnings,
  ];
  return { differences, extra: shape.extra };
}

/** A row that is not a load: its two latency columns hold the median and the max of several tries. */
function timingRow(scenario: string, ms: readonly number[], rssMiB: readonly number[]): Row {
  return {
    scenario,
    perSecond: Number.NaN,
    p50Ms: median(ms),
    p99Ms: Math.max(...ms),
    rssMiB: median(rssMiB),
    errors: 0,
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-bench-"));
  const servers: ServerProcess[] = [];
  const dataDir = join(dir, "gatehouse");
  try {
    console.log(machineLine(CORES));
    const loader =
      LOADER === "wrk" ? `wrk -t1 -c${CONNECTIONS}` : `bench/load.ts, ${CONNECTIONS} connections`;
    console.log(
      `load: ${loader}, ${SECONDS} s per run, ${ROUNDS} rounds interleaved, median of the rounds; ` +
        `Gatehouse by \`${startCommand()[2]}\`\n`,
    );
    const gatehouse = await startGatehouse(dataDir);
    servers.push(gatehouse);
    const baseline = await startBun(
      "better-auth",
      "baseline-server.ts",
      { DATA_DIR: join(dir, "baseline"), AUTH_SECRET: SECRET },
      "/api/auth/ok",
    );
    servers.push(baseline);
    const { version } = (await (await fetch(`${gatehouse.url}/health`)).json()) as { version?: string };
    const bare = await startBun("bare", "bare-server.ts", { HEALTH_VERSION: version ?? "" }, "/health");
    servers.push(bare);
    await Bun.sleep(IDLE_SETTLE_MS);
    const idle = new Map(servers.map((s) => [s.name, memory(s.pid).rssMiB]));

    const fixture = await seedGatehouse(gatehouse.url, ADMIN, USERS);
    const baselineSession = await seedBaseline(baseline.url);
    const theirs = await getSession(baseline.url, { cookie: baselineSession.cookie });
    const bytes = await checkSessionBytes(gatehouse.url, fixture, theirs);
    warnings.push(...bytes.differences);

    const scenarios = sessionScenarios({ gatehouse, baseline, bare }, fixture, baselineSession);
    await probe(scenarios);
    const rows = await interleaved(scenarios, ROUNDS, (s) =>
      closedLoop({ ...s.spec, seconds: SECONDS, connections: CONNECTIONS }),
    );
    const rate = (name: string) => rows.find((r) => r.scenario === name)?.perSecond ?? Number.NaN;

    // p99 at half of each session check's measured max (goal 1: get-session and the principal resolution of
    // /v1): a fixed rate, which only bench/load.ts can hold.
    const halfLoad = scenarios
      .filter((s) => s.name.includes("get-session") || s.name.includes("/v1/"))
      .map((s) => ({ ...s, rate: Math.max(1, Math.round(rate(s.name) / 2)) }))
      .map((s) => ({ ...s, name: `${s.name} at ${s.rate} req/s (half)` }));
    const halfRows = await interleaved(halfLoad, ROUNDS, (s) =>
      runLoadProcess({ ...s.spec, seconds: SECONDS, connections: CONNECTIONS, rate: s.rate }),
    );
    for (const [i, row] of halfRows.entries()) {
      const offered = halfLoad[i]?.rate ?? 0;
      // Behind by more than 5 %: the server (or the generator, which holds ~10k req/s here) could not keep up.
      if (row.perSecond < 0.95 * offered) {
        warnings.push(
          `${row.scenario}: only ${fixed(row.perSecond)} req/s were answered of ${offered} offered`,
        );
      }
    }

    // The sign-in flood against the hash-bound limit, interleaved: the flood, then argon2id alone.
    const { argon2 } = loadConfig(
      { NODE_ENV: "production", AUTH_SECRET: SECRET, DATA_DIR: dataDir, ...passthroughEnv() },
      () => {},
    );
    const signIn = signInScenario(gatehouse, fixture);
    const signInRuns: Measured[] = [];
    const hashRates: number[] = [];
    // Also `CORES` at once: on a machine busy with other work, threads get a share of it each, so one at a time
    // × cores can fall below what the server's thread pool gets (a ratio above 1 then says so).
    const parallelHashRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const flood = () => closedLoop({ ...signIn.spec, seconds: SECONDS, connections: CONNECTIONS });
      signInRuns.push(await measured(gatehouse, flood));
      hashRates.push(await runHashRateProcess({ seconds: SECONDS, ...argon2, concurrency: 1 }));
      parallelHashRates.push(await runHashRateProcess({ seconds: SECONDS, ...argon2, concurrency: CORES }));
    }
    const signInRow = toRow(signIn.name, signInRuns);
    const hashPerCore = median(hashRates);
    const peaks = new Map(servers.map((s) => [s.name, memory(s.pid).hwmMiB]));

    // Start to ready on the database the run populated, and module load, each in fresh processes.
    await gatehouse.stop();
    servers.splice(servers.indexOf(gatehouse), 1);
    const starts: { readyMs: number; rssMiB: number }[] = [];
    for (let i = 0; i < STARTS; i++) {
      const again = await startGatehouse(dataDir);
      starts.push({ readyMs: again.readyMs, rssMiB: memory(again.pid).rssMiB });
      await again.stop();
    }
    const loads = [];
    for (let i = 0; i < STARTS; i++) loads.push(await runModuleLoadProcess());

    const loadRows = [...rows, ...halfRows, signInRow];
    for (const row of loadRows.filter((r) => r.errors > 0)) {
      const kinds = Object.entries(row.errorKinds ?? {})
        .map(([kind, n]) => `${kind} ${n}`)
        .join(", ");
      warnings.push(`${row.scenario}: ${row.errors} errors (${kinds}); refusals are not counted in req/s`);
    }
    const idleRows = [...idle].map(([name, rssMiB]) => timingRow(`${name} idle after start`, [], [rssMiB]));
    const startRow = timingRow(
      `gatehouse start to ready (${USERS} users; ms: median, max of ${STARTS})`,
      starts.map((s) => s.readyMs),
      starts.map((s) => s.rssMiB),
    );
    const moduleRow = timingRow(
      `import src/app.ts, fresh process (ms: median, max of ${STARTS})`,
      loads.map((l) => l.ms),
      loads.map((l) => l.rssMiB),
    );
    console.log(table([...loadRows, ...idleRows, startRow, moduleRow]));
    console.log(
      `\nargon2id (m=${argon2.memoryCost} KiB, t=${argon2.timeCost}, p=${argon2.parallelism}) verifications, one ` +
        `at a time: ${fixed(hashPerCore)}/s per core → hash-bound limit ${fixed(hashPerCore * CORES)}/s on ${CORES} ` +
        `cores (${CORES} at a time: ${fixed(median(parallelHashRates))}/s)`,
    );
    const hwm = [...peaks].map(([name, mib]) => `${name} ${fixed(mib)} MiB`).join(", ");
    console.log(`peak RSS since start (VmHWM): ${hwm}`);
    const extra = Object.entries(bytes.extra)
      .map(([part, keys]) => `${part} +${keys.length} (${keys.join(", ")})`)
      .join("; ");
    console.log(`get-session fields beyond plain better-auth's (plugins): ${extra || "none"}`);

    const list = goalRatios({
      rows,
      halfLoad: halfRows,
      bytesSame: bytes.differences.length === 0,
      signIn: signInRow,
      hashLimits: hashRates.map((perCore) => perCore * CORES),
      idleMiB: idle.get("gatehouse") ?? Number.NaN,
      readyMs: startRow.p50Ms,
      starts: STARTS,
      moduleLoad: { ms: moduleRow.p50Ms, rssMiB: moduleRow.rssMiB },
    });
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
