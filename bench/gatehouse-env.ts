/**
 * The environment every bench tool starts Gatehouse with: production settings, SQLite in `dataDir`, rate limits
 * off, logs silent, the bench's admin, and `BENCH_ENV_<NAME>` passed on as `<NAME>`.
 */
import { tmpdir } from "node:os";
import { npmPath } from "./processes.ts";

export const BENCH_SECRET = "bench-secret-bench-secret-bench-secret-01";
export const BENCH_ADMIN = { email: "admin@bench.test", password: "bench-admin-password-1" } as const;

/** `BENCH_ENV_<NAME>=value` of this process as `<NAME>=value`. */
export function passthroughEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith("BENCH_ENV_") && value !== undefined) env[name.slice("BENCH_ENV_".length)] = value;
  }
  return env;
}

export function gatehouseEnv(port: number, dataDir: string): Record<string, string> {
  return {
    PATH: npmPath(),
    HOME: process.env.HOME ?? tmpdir(),
    NODE_ENV: "production",
    AUTH_SECRET: BENCH_SECRET,
    HOST: "127.0.0.1",
    PORT: String(port),
    BASE_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    RATE_LIMIT_ENABLED: "false",
    ADMIN_EMAIL: BENCH_ADMIN.email,
    ADMIN_PASSWORD: BENCH_ADMIN.password,
    // The bench stops Gatehouse between restarts; nothing is in flight then.
    SHUTDOWN_GRACE_MS: "500",
    ...passthroughEnv(),
  };
}
