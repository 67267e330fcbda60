/**
 * `npm run bench:profile -- <scenario>`: one scenario of `npm run bench` against Gatehouse run from its sources
 * under Bun's CPU profiler (`--cpu-prof-md`), to see where a request's time goes. The markdown profile is
 * written to BENCH_PROFILE_DIR (a temp directory) when the server stops; its path is printed.
 * Scenarios: health, session-cookie, session-bearer, user-bearer, user-jwt, user-apikey, sign-in.
 */
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_ADMIN, gatehouseEnv } from "./gatehouse-env.ts";
import { probeRequests } from "./probe-requests.ts";
import { freePort, startServer } from "./processes.ts";
import { seedGatehouse } from "./seed.ts";
import { runWrk } from "./wrk.ts";

const scenario = process.argv[2] ?? "user-bearer";
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const dir = process.env.BENCH_PROFILE_DIR ?? mkdtempSync(join(tmpdir(), "gatehouse-profile-"));
const ADMIN = BENCH_ADMIN;
const port = await freePort();
const server = await startServer({
  name: "gatehouse",
  // BENCH_PROFILE=off: the same run without the profiler (its figures are the server's own, not the profiler's).
  command:
    process.env.BENCH_PROFILE === "off"
      ? [process.execPath, "src/index.ts"]
      : [process.execPath, "--cpu-prof-md", `--cpu-prof-dir=${dir}`, "src/index.ts"],
  env: gatehouseEnv(port, mkdtempSync(join(tmpdir(), "gatehouse-profile-data-"))),
  port,
  readyPath: "/health",
});
const f = await seedGatehouse(server.url, ADMIN, 20);
const requests = probeRequests(server.url, f);
const spec = requests[scenario];
if (!spec) throw new Error(`unknown scenario ${scenario}`);
const check = await fetch(`${server.url}${spec.path}`, {
  method: spec.method ?? "GET",
  headers: spec.headers,
  body: spec.bodies?.[0],
});
console.log(`check: ${check.status} ${(await check.text()).slice(0, 120)}`);
const result = await runWrk({
  url: `${server.url}${spec.path}`,
  method: spec.method ?? "GET",
  headers: spec.headers,
  bodies: spec.bodies,
  seconds,
  connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
});
console.log(
  `${scenario}: ${Math.round(result.perSecond)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`,
);
await server.stop();
await Bun.sleep(500);
for (const name of readdirSync(dir)) console.log(join(dir, name));
