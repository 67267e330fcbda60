/**
 * What one load run is (a URL, a method, headers, bodies to rotate through, a duration, a number of
 * connections, and optionally a fixed rate) and what it measured. Shared by the wrk driver (bench/wrk.ts), the
 * generator of our own (bench/load.ts) and the orchestrator (bench/run.ts).
 */

export interface LoadSpec {
  readonly url: string;
  readonly method?: "GET" | "POST";
  readonly headers?: Readonly<Record<string, string>>;
  /** Request bodies, sent in turn (e.g. one sign-in per pre-created user). */
  readonly bodies?: readonly string[];
  readonly seconds: number;
  readonly connections: number;
  /**
   * Requests per second to offer, whatever the answers take (open loop): latency is counted from when each
   * request was due, so a server that falls behind shows it in p99 instead of slowing the client down.
   * Undefined = closed loop: each connection sends its next request when the previous one is answered.
   */
  readonly rate?: number;
}

export interface LoadResult {
  /** Answers received (any status). */
  readonly requests: number;
  /** Answers that were not 2xx/3xx, plus connection errors and timeouts. */
  readonly errors: number;
  /** `errors` by kind (e.g. `non-2xx`, `timeout`), the kinds that occurred only. */
  readonly errorKinds: Readonly<Record<string, number>>;
  readonly seconds: number;
  /** Successful answers per second: errors (e.g. 503 `server_busy`) do not count as served. */
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Who measured: "wrk" or "bun" (bench/load.ts). */
  readonly tool: string;
}
