/**
 * `bun bench/cpu-cost.ts [scenario…]`: the server's CPU time per answered request (user + system, from
 * /proc/<pid>/stat) for the requests of bench/probe-requests.ts, Gatehouse run by `npm start`'s command. CPU time per
 * request hardly depends on what else the machine runs, unlike req/s: a figure to compare changes by while the
 * machine is shared. Not a record (that is `npm run bench`).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_ADMIN, gatehouseEnv } from "./gatehouse-env.ts";
import { probeRequests } from "./probe-requests.ts";
import { freePort, startCommand, startServer } from "./processes.ts";
import { seedGatehouse } from "./seed.ts";
import { runWrk } from "./wrk.ts";

const TICKS_PER_SECOND = 100;

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  // utime and stime are fields 14 and 15 of stat; after "pid (comm) " they are at 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

const names = process.argv.slice(2);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const ADMIN = BENCH_ADMIN;
const port = await freePort();
const server = await startServer({
  name: "gatehouse",
  command: startCommand(),
  env: gatehouseEnv(port, mkdtempSync(join(tmpdir(), "gatehouse-cpu-data-"))),
  port,
  readyPath: "/health",
});
const f = await seedGatehouse(server.url, ADMIN, 4);
const all = probeRequests(server.url, f);
// By default the session checks only: a sign-in is bound by its hash, not by the request's own work.
const defaults = Object.keys(all).filter((name) => all[name]?.method !== "POST");
for (const name of names.length > 0 ? names : defaults) {
  const spec = all[name];
  if (!spec) throw new Error(`unknown scenario ${name}`);
  const url = `${server.url}${spec.path}`;
  // A warm-up, so that JIT compilation is not counted.
  const load = { url, method: spec.method, headers: spec.headers, bodies: spec.bodies, connections: 50 };
  await runWrk({ ...load, seconds: 2 });
  const before = cpuSeconds(server.pid);
  const result = await runWrk({ ...load, seconds });
  const cpu = cpuSeconds(server.pid) - before;
  const perRequest = (cpu * 1e6) / Math.max(1, result.requests);
  console.log(
    `${name.padEnd(16)} ${perRequest.toFixed(1).padStart(7)} µs CPU/request  ${Math.round(result.perSecond)} req/s  errors ${result.errors}`,
  );
}
await server.stop();
