/**
 * `bun bench/gate-sweep.ts 2,3,4`: the sign-in flood against Gatehouse with each PASSWORD_HASH_CONCURRENCY
 * given, interleaved with argon2id's own rate (bench/hash-rate.ts), so that the ratio of each setting to the
 * hash-bound limit is measured in the same minute (issue 14 goal 4). One server per setting, as `npm run bench`
 * starts it (production, SQLite, rate limit off); prints req/s, the ratio and the server's peak RSS.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { runHashRateProcess } from "./hash-rate.ts";
import { freePort, npmPath, startServer } from "./processes.ts";
import { seedGatehouse } from "./seed.ts";
import { runWrk } from "./wrk.ts";

const settings = (process.argv[2] ?? "2,3").split(",").map(Number);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const users = Number(process.env.BENCH_USERS ?? 100);
const ADMIN = { email: "admin@bench.test", password: "bench-admin-password-1" };
const argon2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

const servers = [];
for (const concurrency of settings) {
  const port = await freePort();
  const server = await startServer({
    name: `gatehouse-${concurrency}`,
    command: [process.execPath, "src/index.ts"],
    env: {
      PATH: npmPath(),
      HOME: process.env.HOME ?? tmpdir(),
      NODE_ENV: "production",
      AUTH_SECRET: "bench-secret-bench-secret-bench-secret-01",
      HOST: "127.0.0.1",
      PORT: String(port),
      BASE_URL: `http://127.0.0.1:${port}`,
      DATA_DIR: mkdtempSync(join(tmpdir(), "gatehouse-gate-sweep-")),
      LOG_LEVEL: "silent",
      RATE_LIMIT_ENABLED: "false",
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      SHUTDOWN_GRACE_MS: "500",
      PASSWORD_HASH_CONCURRENCY: String(concurrency),
    },
    port,
    readyPath: "/health",
  });
  const fixture = await seedGatehouse(server.url, ADMIN, users);
  servers.push({ concurrency, server, bodies: fixture.signInBodies });
}
const results = new Map<number, number[]>();
const hashRates: number[] = [];
for (let round = 0; round < rounds; round++) {
  for (const { concurrency, server, bodies } of servers) {
    const result = await runWrk({
      url: `${server.url}/api/auth/sign-in/email`,
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      bodies,
      seconds,
      connections: 50,
    });
    results.set(concurrency, [...(results.get(concurrency) ?? []), result.perSecond]);
  }
  hashRates.push(await runHashRateProcess({ seconds, ...argon2, concurrency: 1 }));
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const limit = median(hashRates) * availableParallelism();
console.log(
  `hash-bound limit ${limit.toFixed(1)}/s (${hashRates.map((r) => r.toFixed(1)).join(", ")} per core)`,
);
for (const { concurrency, server } of servers) {
  const rates = results.get(concurrency) ?? [];
  console.log(
    `concurrency ${concurrency}: ${rates.map((r) => r.toFixed(1)).join(", ")} req/s, ratio ${(median(rates) / limit).toFixed(2)}, peak RSS ${peakRss(server.pid).toFixed(0)} MB`,
  );
  await server.stop();
}
