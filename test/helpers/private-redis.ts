/**
 * A redis-server of the test's own on a free loopback port, for tests that kill, pause or cut it off without
 * disturbing the Redis other tests share. `REDIS_SERVER` is null where the binary is not installed (skip then).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import Redis from "ioredis";

export const REDIS_SERVER = Bun.which("redis-server");

export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  start(): Promise<void>;
  kill(): Promise<void>;
  /** A separate client (for checks and CLIENT PAUSE), closed by the caller. */
  client(): Redis;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port ?? 0;
  await probe.stop(true);
  return port;
}

/** `persistent`: an append-only file fsynced on every write, so a killed Redis comes back with its data. */
export async function startPrivateRedis(options: { persistent?: boolean } = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-redis-"));
  const persistence = options.persistent
    ? ["--appendonly", "yes", "--appendfsync", "always", "--save", ""]
    : ["--save", "", "--appendonly", "no"];
  let proc: Subprocess | undefined;
  const redis: PrivateRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      proc = Bun.spawn(
        [
          REDIS_SERVER ?? "redis-server",
          "--port",
          String(port),
          "--bind",
          "127.0.0.1",
          "--dir",
          dir,
          ...persistence,
        ],
        { stdout: "ignore", stderr: "ignore" },
      );
      const client = redis.client();
      try {
        for (let i = 0; i < 100; i++) {
          if (
            await client.ping().then(
              () => true,
              () => false,
            )
          )
            return;
          await Bun.sleep(50);
        }
        throw new Error("redis-server did not start");
      } finally {
        client.disconnect();
      }
    },
    async kill() {
      proc?.kill("SIGKILL");
      await proc?.exited;
    },
    client: () =>
      new Redis(redis.url, { lazyConnect: false, maxRetriesPerRequest: 0, retryStrategy: () => 50 }).on(
        "error",
        () => {},
      ),
    async close() {
      await redis.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await redis.start();
  return redis;
}
