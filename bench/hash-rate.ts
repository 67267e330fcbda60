/**
 * The hash-bound limit of sign-in (goal 4): how many argon2id verifications one core does per second with
 * Gatehouse's parameters, in a process of its own. A sign-in verifies one hash, so a server cannot sign in more
 * than this × cores per second. `bun bench/hash-rate.ts '{"seconds":5,"memoryCost":19456,"timeCost":2,
 * "parallelism":1,"concurrency":1}'` prints `{ "perSecond": … }`; with concurrency 1, one core's rate.
 *
 * It calls @node-rs/argon2 (what src/platform/password/ hashes with) directly, so that the limit is the
 * primitive's and not whatever queue the server puts in front of it.
 */
import { hash, verify } from "@node-rs/argon2";

export interface HashRateSpec {
  readonly seconds: number;
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
  /** Verifications in flight at once (@node-rs/argon2 runs them on libuv's thread pool). */
  readonly concurrency: number;
}

export async function measureHashRate(spec: HashRateSpec): Promise<number> {
  const params = { memoryCost: spec.memoryCost, timeCost: spec.timeCost, parallelism: spec.parallelism };
  const stored = await hash("bench-password-1", params);
  // One warm-up: the first call pays for allocating the memory.
  await verify(stored, "bench-password-1");
  let done = 0;
  const started = performance.now();
  const end = started + spec.seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      await verify(stored, "bench-password-1");
      done++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, spec.concurrency) }, worker));
  return done / ((performance.now() - started) / 1000);
}

export async function runHashRateProcess(spec: HashRateSpec): Promise<number> {
  const child = Bun.spawn([process.execPath, import.meta.path, JSON.stringify(spec)], {
    stdout: "pipe",
    stderr: "inherit",
  });
  const [out, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  if (code !== 0) throw new Error(`bench/hash-rate.ts exited with ${code}`);
  return (JSON.parse(out) as { perSecond: number }).perSecond;
}

if (import.meta.main) {
  const spec = JSON.parse(process.argv[2] ?? "{}") as HashRateSpec;
  console.log(JSON.stringify({ perSecond: await measureHashRate(spec) }));
}
