/**
 * The gate in front of password hashing: at most `concurrency` hashes or verifications run at once, at most
 * `queue` more wait for a turn, and beyond that the caller is refused at once with 503 `server_busy` (every
 * surface renders it in its own shape, with Retry-After; src/http/pipeline/error-renderer.ts).
 *
 * argon2id at the default cost holds 19 MiB and a core for ~15 ms: a sign-in flood with no bound runs as many
 * at once as requests arrive (libuv's pool runs four, the rest of the memory piles up in waiting requests) and
 * the process grows by hundreds of MB while no hash finishes sooner. One hash per core already keeps every core
 * busy, so throughput is the same and memory is bounded by `concurrency` × the cost; a bounded queue keeps the
 * wait of an accepted request to a few hundred milliseconds, and a refusal tells the client to come back.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { APIError } from "better-auth/api";
import { AppError } from "../errors.ts";

/** Hashing is the slow part of a sign-in: a client that waits a second finds a free slot again. */
export const SERVER_BUSY_RETRY_AFTER_SECONDS = 1;

export const SERVER_BUSY = "server_busy";

/** The refusal of a request that found every hashing slot and the whole queue taken. */
export function serverBusy(): AppError {
  return new AppError(SERVER_BUSY, 503, "The server is busy; try again in a moment", {
    retry_after: SERVER_BUSY_RETRY_AFTER_SECONDS,
  });
}

export function isServerBusy(error: unknown): boolean {
  return error instanceof AppError && error.code === SERVER_BUSY;
}

// better-auth's HTTP handler answers an error thrown inside it (the gate's refusal) with its own bare 500: the
// callers of `auth.handler` run it under `refusingWhenBusy`, which learns of the refusal here and throws it
// again outside, for the surface to render. One store per process: the record lives as long as its call.
const refusals = new AsyncLocalStorage<{ refused: boolean }>();

/**
 * Runs `work` (a call of better-auth's handler); when the gate refused a hash or verification during it,
 * throws `server_busy` instead of returning what better-auth made of the refusal.
 */
export async function refusingWhenBusy<T>(work: () => Promise<T>): Promise<T> {
  const record = { refused: false };
  const result = await refusals.run(record, work);
  if (record.refused) throw serverBusy();
  return result;
}

export interface HashingGateOptions {
  /** Hashes or verifications that run at once. */
  readonly concurrency: number;
  /** Calls that may wait for a slot; one more is refused with `server_busy`. */
  readonly queue: number;
}

export interface HashingGate {
  /** Runs `work` in a slot, after waiting for one if needed; throws `server_busy` when the queue is full. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Running and waiting calls, for metrics and tests. */
  stats(): { running: number; waiting: number };
}

export function createHashingGate(options: HashingGateOptions): HashingGate {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    // The slot passes straight to the next waiter: `running` stays the same.
    if (next) next();
    else running--;
  };
  return {
    async run(work) {
      if (running < options.concurrency) running++;
      else if (waiting.length < options.queue) await new Promise<void>((resolve) => waiting.push(resolve));
      else {
        const record = refusals.getStore();
        if (!record) throw serverBusy();
        // Inside better-auth's handler: an APIError, which its router answers without printing a stack (it
        // prints `# SERVER_ERROR` for anything else, at every refusal of a flood); refusingWhenBusy throws
        // the real refusal once the handler returns.
        record.refused = true;
        throw new APIError("SERVICE_UNAVAILABLE", { code: "SERVER_BUSY", message: "The server is busy" });
      }
      try {
        return await work();
      } finally {
        release();
      }
    },
    stats: () => ({ running, waiting: waiting.length }),
  };
}
