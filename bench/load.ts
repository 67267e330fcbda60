/**
 * A load generator of our own, run as a separate `bun` process so that it does not share an event loop with a
 * server: `bun bench/load.ts '<LoadSpec as JSON>'` prints a LoadResult as JSON.
 *
 * Two modes. Closed loop (no `rate`): `connections` clients, each sending its next request when the last is
 * answered — what wrk does, used where wrk is not installed. Fixed rate (`rate`): requests are due at a steady
 * pace whatever the answers take, at most `connections` in flight; each latency is counted from when its request
 * was due, not from when it was sent, so a server that falls behind shows it in p99 rather than quietly slowing
 * the client (wrk cannot do this; it is what "p99 at half of the measured max load" needs).
 */
import type { LoadResult, LoadSpec } from "./load-spec.ts";
import { percentile } from "./stats.ts";

export async function generateLoad(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  let requests = 0;
  let refused = 0;
  let unanswered = 0;
  let turn = 0;
  const bodies = spec.bodies ?? [];
  const method = spec.method ?? "GET";
  const send = async (due: number) => {
    const body = bodies.length > 0 ? bodies[turn++ % bodies.length] : undefined;
    try {
      const response = await fetch(spec.url, { method, headers: spec.headers, body });
      await response.arrayBuffer();
      requests++;
      // As wrk counts "Non-2xx or 3xx responses".
      if (response.status > 399) refused++;
      latencies.push(performance.now() - due);
    } catch {
      unanswered++;
    }
  };

  const started = performance.now();
  const end = started + spec.seconds * 1000;
  if (spec.rate === undefined) {
    const client = async () => {
      while (performance.now() < end) await send(performance.now());
    };
    await Promise.all(Array.from({ length: spec.connections }, client));
  } else {
    const interval = 1000 / spec.rate;
    const inFlight = new Set<Promise<void>>();
    let sent = 0;
    let previousTick = started;
    for (let now = started; now < end; now = performance.now()) {
      const due = Math.floor((now - started) / interval) + 1;
      while (sent < due && inFlight.size < spec.connections) {
        const dueAt = started + sent * interval;
        // Due since the last tick: late only by the timer's granularity, the client's own, so it counts from
        // now. Due before it: held back because `connections` answers were outstanding — the server's delay.
        const from = dueAt >= previousTick ? performance.now() : dueAt;
        const request = send(from).finally(() => inFlight.delete(request));
        inFlight.add(request);
        sent++;
      }
      previousTick = now;
      // A real timer (about a millisecond): answers are read in between, and the client does not spin a core
      // that the server needs. (Bun.sleep below 1 ms resolves without yielding to I/O.)
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(inFlight);
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests,
    errors: refused + unanswered,
    errorKinds: Object.fromEntries(
      Object.entries({ "non-2xx": refused, "no answer": unanswered }).filter(([, n]) => n > 0),
    ),
    seconds,
    perSecond: (requests - refused) / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    tool: spec.rate === undefined ? "bun" : "bun, fixed rate",
  };
}

/** Runs the generator in a process of its own and reads its answer. */
export async function runLoadProcess(spec: LoadSpec): Promise<LoadResult> {
  const child = Bun.spawn([process.execPath, import.meta.path, JSON.stringify(spec)], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, problems, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  if (code !== 0) throw new Error(`bench/load.ts exited with ${code}: ${problems}`);
  return JSON.parse(out) as LoadResult;
}

if (import.meta.main) {
  const spec = JSON.parse(process.argv[2] ?? "null") as LoadSpec | null;
  if (!spec?.url) {
    console.error('usage: bun bench/load.ts \'{"url":…,"seconds":5,"connections":50,"rate":1000}\'');
    process.exit(2);
  }
  console.log(JSON.stringify(await generateLoad(spec)));
}
