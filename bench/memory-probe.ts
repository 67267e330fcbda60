/**
 * `bun bench/memory-probe.ts`: issue 14's memory and start-up figures in under a minute, without the whole
 * `npm run bench`. Starts Gatehouse with `npm start`'s command (as bench/run.ts does: production, SQLite in a
 * temp DATA_DIR, rate limit off, logs silent), reads VmRSS idle after start, floods GET /health and then
 * GET /api/auth/get-session (bearer) and POST /api/auth/sign-in/email with wrk (-c50) while sampling RSS — in
 * `npm run bench` the sign-in flood meets a process that has served the others first — then restarts it on the
 * populated database to time start to ready.
 *
 * PROBE_USERS (100 sign-up users), PROBE_SECONDS (10 s of flood), PROBE_STARTS (3 restarts), PROBE_FLOODS (the
 * floods to run, in order, by the start of their names: e.g. `sign-in` alone, on a process that served nothing
 * before), PROBE_COMMAND
 * (a shell command line instead of `npm start`'s, e.g. to compare a runtime flag); BENCH_ENV_<NAME> passes
 * <NAME> to Gatehouse as in bench/run.ts. Prints figures only.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_ADMIN, gatehouseEnv } from "./gatehouse-env.ts";
import type { LoadSpec } from "./load-spec.ts";
import { freePort, memory, sampleRss, startCommand, startServer } from "./processes.ts";
import { seedGatehouse } from "./seed.ts";
import { median } from "./stats.ts";
import { runWrk } from "./wrk.ts";

const USERS = Number(process.env.PROBE_USERS ?? 100);
const SECONDS = Number(process.env.PROBE_SECONDS ?? 10);
const STARTS = Number(process.env.PROBE_STARTS ?? 3);
const FLOODS = process.env.PROBE_FLOODS?.split(",").map((name) => name.trim());
const COMMAND = process.env.PROBE_COMMAND ? ["sh", "-c", process.env.PROBE_COMMAND] : startCommand();
const ADMIN = BENCH_ADMIN;
// As bench/run.ts: start-up's garbage gets a chance to be collected before the idle figure.
const IDLE_SETTLE_MS = 2000;

async function start(dataDir: string) {
  const port = await freePort();
  return startServer({
    name: "gatehouse",
    command: COMMAND,
    env: gatehouseEnv(port, dataDir),
    port,
    readyPath: "/health",
  });
}

const mib = (n: number) => n.toFixed(1);
const dir = mkdtempSync(join(tmpdir(), "gatehouse-memory-probe-"));
try {
  console.log(`command: ${COMMAND.at(-1)}`);
  const server = await start(dir);
  await Bun.sleep(IDLE_SETTLE_MS);
  const idle = memory(server.pid);
  console.log(`first start to ready ${server.readyMs.toFixed(0)} ms; idle RSS ${mib(idle.rssMiB)} MiB`);
  const fixture = await seedGatehouse(server.url, ADMIN, USERS);
  console.log(`seeded ${USERS} users: RSS ${mib(memory(server.pid).rssMiB)} MiB`);
  const floods: (Omit<LoadSpec, "seconds" | "connections"> & { name: string })[] = [
    { name: "GET /health", url: `${server.url}/health` },
    {
      name: "get-session, bearer",
      url: `${server.url}/api/auth/get-session`,
      headers: { authorization: `Bearer ${fixture.user.token}` },
    },
    {
      name: "sign-in",
      url: `${server.url}/api/auth/sign-in/email`,
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      bodies: fixture.signInBodies,
    },
  ];
  const chosen = FLOODS
    ? floods.filter(({ name }) => FLOODS.some((prefix) => name.startsWith(prefix)))
    : floods;
  for (const { name, ...request } of chosen) {
    const sampler = sampleRss(server.pid, 100);
    const flood = await runWrk({ ...request, seconds: SECONDS, connections: 50 });
    const peak = sampler.stop();
    await Bun.sleep(2000);
    const after = memory(server.pid);
    console.log(
      `${name} flood: ${flood.perSecond.toFixed(1)} req/s, p50 ${flood.p50Ms.toFixed(1)} ms, errors ${JSON.stringify(flood.errorKinds)}; ` +
        `RSS peak ${mib(peak)}, 2 s after ${mib(after.rssMiB)}, VmHWM ${mib(after.hwmMiB)} MiB`,
    );
  }
  await server.stop();
  const ready: number[] = [];
  const idles: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const again = await start(dir);
    ready.push(again.readyMs);
    await Bun.sleep(IDLE_SETTLE_MS);
    idles.push(memory(again.pid).rssMiB);
    await again.stop();
  }
  console.log(
    `populated start to ready: ${ready.map((ms) => ms.toFixed(0)).join(", ")} ms (median ${median(ready).toFixed(0)}); ` +
      `idle RSS ${idles.map(mib).join(", ")} MiB`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
