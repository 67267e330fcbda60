/**
 * The shutdown fault tests' server: `bun src/index.ts` as its own process, on a temp DATA_DIR (or a fresh
 * PostgreSQL schema with TEST_DATABASE_URL), started again on the same data when a test restarts it.
 */
import { Database } from "bun:sqlite";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { dropSchema } from "../helpers/test-app.ts";

const ENTRY = join(import.meta.dir, "..", "..", "src", "index.ts");

export interface ServerProcess {
  readonly proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  readonly baseUrl: string;
  readonly port: number;
}

export interface ServerData {
  /** Starts `bun src/index.ts` on this data with `env` over the defaults; resolves once it answers. */
  start(env?: Record<string, string>): Promise<ServerProcess>;
  /** Rows of `table` in this data's database (read while no server or one server runs). */
  countRows(table: string): Promise<number>;
  /** Kills what is still running and deletes the data. */
  dispose(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port ?? 0;
  await probe.stop(true);
  return port;
}

export function serverData(): ServerData {
  const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-shutdown-"));
  const pgUrl = process.env.TEST_DATABASE_URL;
  const redisUrl = process.env.TEST_REDIS_URL;
  const schema = pgUrl ? `t_${randomBytes(6).toString("hex")}` : undefined;
  const cachePrefix = `test:${randomBytes(6).toString("hex")}:`;
  const started: ServerProcess[] = [];
  return {
    async start(env = {}) {
      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      const proc = Bun.spawn([process.execPath, ENTRY], {
        env: {
          // Only what the process needs: nothing of the test runner's environment leaks into its config.
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? tmpdir(),
          NODE_ENV: "test",
          LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
          HOST: "127.0.0.1",
          PORT: String(port),
          BASE_URL: baseUrl,
          DATA_DIR: dataDir,
          AUTH_SECRET: "shutdown-secret-shutdown-secret-0123456",
          RATE_LIMIT_ENABLED: "false",
          ARGON2_MEMORY_KIB: "8192",
          ARGON2_ITERATIONS: "1",
          ...(pgUrl && schema ? { DATABASE_URL: pgUrl, DATABASE_SCHEMA: schema } : {}),
          ...(redisUrl ? { REDIS_URL: redisUrl, CACHE_PREFIX: cachePrefix } : {}),
          ...env,
        },
        stdin: "ignore",
        stdout: "pipe",
        stderr: "pipe",
      });
      started.push({ proc, baseUrl, port });
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        if (proc.exitCode !== null) {
          throw new Error(`server exited with ${proc.exitCode}: ${await new Response(proc.stderr).text()}`);
        }
        const ok = await fetch(`${baseUrl}/api/auth/ok`).then(
          (res) => res.ok,
          () => false,
        );
        if (ok) return { proc, baseUrl, port };
        await Bun.sleep(50);
      }
      proc.kill("SIGKILL");
      throw new Error("server did not answer within 30 s");
    },
    async countRows(table) {
      if (pgUrl && schema) {
        const client = new pg.Client({ connectionString: pgUrl });
        await client.connect();
        try {
          const result = await client.query(`select count(*)::int as n from "${schema}"."${table}"`);
          return Number(result.rows[0]?.n ?? 0);
        } finally {
          await client.end();
        }
      }
      const database = new Database(join(dataDir, "gatehouse.sqlite"), { readonly: true });
      try {
        const row = database.query(`select count(*) as n from "${table}"`).get() as { n: number } | null;
        return Number(row?.n ?? 0);
      } finally {
        database.close();
      }
    },
    async dispose() {
      for (const { proc } of started) if (proc.exitCode === null) proc.kill("SIGKILL");
      await Promise.all(started.map(({ proc }) => proc.exited));
      if (pgUrl && schema) await dropSchema(pgUrl, schema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The process's exit code, or "running" when it has not exited within `withinMs`. */
export async function exitWithin(proc: Bun.Subprocess, withinMs: number): Promise<number | "running"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    proc.exited,
    new Promise<"running">((resolve) => {
      timer = setTimeout(() => resolve("running"), withinMs);
    }),
  ]);
  clearTimeout(timer);
  return outcome;
}
