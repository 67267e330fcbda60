/**
 * The bench's instruments, checked without timing anything: wrk's report is read right, the Lua script wrk
 * runs sends the headers and rotates the bodies it was given, bench/load.ts counts every answer and every
 * refusal, the server measured is the one listening (not the shell that started it), and the plain better-auth
 * server answers get-session the way the shape check expects.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { roundRatio } from "./goals.ts";
import { runLoadProcess } from "./load.ts";
import { freePort, listenerPid, memory, npmPath, REPO, startServer } from "./processes.ts";
import { seedBaseline } from "./seed.ts";
import { compareBytes, compareWithBaseline } from "./session-shape.ts";
import { parseWrk, runWrk, wrkPath } from "./wrk.ts";

const WRK_REPORT = `Running 5s test @ http://127.0.0.1:3000/api/auth/sign-in/email
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    27.10ms    3.12ms   1.02s    91.23%
    Req/Sec     1.85k   120.00     2.01k    70.00%
  Latency Distribution
     50%  850.00us
     75%   27.00ms
     90%   30.12ms
     99%    1.20s
  9250 requests in 5.00s, 3.10MB read
  Socket errors: connect 0, read 3, write 0, timeout 7
  Non-2xx or 3xx responses: 250
Requests/sec:   1850.00
Transfer/sec:    634.00KB
`;

describe("parseWrk", () => {
  it("reads the latency distribution in its units, and counts refusals and socket errors as errors", () => {
    const result = parseWrk(WRK_REPORT, 5);
    expect(result.p50Ms).toBeCloseTo(0.85, 5);
    expect(result.p99Ms).toBeCloseTo(1200, 5);
    expect(result.requests).toBe(9250);
    expect(result.errors).toBe(250 + 3 + 7);
    expect(result.errorKinds).toEqual({ "non-2xx": 250, read: 3, timeout: 7 });
    // Only the answers that were not refused count as served.
    expect(result.perSecond).toBeCloseTo((9250 - 250) / 5, 5);
  });

  it("refuses a report without a request count instead of reading zeros", () => {
    expect(() => parseWrk("unable to connect to 127.0.0.1:1 Connection refused", 5)).toThrow(/request count/);
  });
});

describe("roundRatio", () => {
  it("is the median of the ratios of each round, not the ratio of the medians", () => {
    const row = (scenario: string, roundRates: number[]) => ({
      scenario,
      perSecond: 0,
      p50Ms: 0,
      p99Ms: 0,
      rssMiB: 0,
      errors: 0,
      roundRates,
    });
    // Round 2 was slow for both: its ratio is still 0.5; the ratio of the medians would be 90/110.
    const rows = [row("a", [100, 10, 90]), row("b", [200, 20, 110])];
    expect(roundRatio(rows, "a", "b")).toBeCloseTo(0.5, 5);
  });
});

/** A server that records what reached it; every third request is refused with 503. */
function recorder() {
  const seen: { headers: Headers; body: string }[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      seen.push({ headers: request.headers, body: await request.text() });
      return seen.length % 3 === 0 ? new Response("busy", { status: 503 }) : new Response("ok");
    },
  });
  return { seen, url: `http://127.0.0.1:${server.port}/`, stop: () => server.stop(true) };
}

describe.skipIf(!wrkPath())("runWrk", () => {
  it("sends the headers and rotates the bodies through its Lua script", async () => {
    const target = recorder();
    try {
      const bodies = ['{"n":1}', '{"n":2}', '{"text":"]=] and ]]"}'];
      const result = await runWrk({
        url: target.url,
        method: "POST",
        headers: { cookie: "a=b; c=d", "x-quoted": 'it\'s "quoted" ]] [[' },
        bodies,
        seconds: 1,
        connections: 2,
      });
      expect(target.seen.length).toBeGreaterThan(3);
      expect(target.seen[0]?.headers.get("cookie")).toBe("a=b; c=d");
      expect(target.seen[0]?.headers.get("x-quoted")).toBe('it\'s "quoted" ]] [[');
      expect(new Set(target.seen.map((s) => s.body))).toEqual(new Set(bodies));
      expect(result.errors).toBeGreaterThan(0);
    } finally {
      await target.stop();
    }
  });
});

describe("bench/load.ts", () => {
  for (const mode of [{ rate: 40 }, {}]) {
    it(`counts every answer and every refusal (${mode.rate ? "fixed rate" : "closed loop"})`, async () => {
      const target = recorder();
      try {
        const result = await runLoadProcess({
          url: target.url,
          headers: { "x-bench": "1" },
          seconds: 1,
          connections: 4,
          ...mode,
        });
        expect(result.requests).toBe(target.seen.length);
        expect(result.errors).toBe(Math.floor(target.seen.length / 3));
        expect(result.errorKinds).toEqual({ "non-2xx": result.errors });
        expect(target.seen.every((s) => s.headers.get("x-bench") === "1")).toBe(true);
        expect(result.p50Ms).toBeLessThanOrEqual(result.p99Ms);
      } finally {
        await target.stop();
      }
    });
  }
});

describe("servers", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "gatehouse-bench-test-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("measures the process that listens, not the shell that started it", async () => {
    const port = await freePort();
    // `; true` keeps the shell alive as the server's parent, as a start script with several steps would.
    const server = await startServer({
      name: "bare",
      command: ["sh", "-c", `"${process.execPath}" bench/bare-server.ts; true`],
      env: { PATH: npmPath(), PORT: String(port), HEALTH_VERSION: "9.9.9" },
      port,
      readyPath: "/health",
    });
    try {
      expect(listenerPid(process.pid, port)).toBe(server.pid);
      const body = (await (await fetch(`${server.url}/health`)).json()) as Record<string, unknown>;
      expect(Object.keys(body)).toEqual(["status", "version", "uptime"]);
      expect(body.version).toBe("9.9.9");
      expect(memory(server.pid).rssMiB).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
    expect(memory(server.pid).rssMiB).toBeNaN();
  });

  it("the plain better-auth server answers get-session by cookie with better-auth's shape", async () => {
    const port = await freePort();
    const baseline = await startServer({
      name: "better-auth",
      command: [process.execPath, join(REPO, "bench", "baseline-server.ts")],
      env: {
        PATH: npmPath(),
        PORT: String(port),
        DATA_DIR: dir,
        AUTH_SECRET: "bench-test-secret-bench-test-secret-0123",
      },
      port,
      readyPath: "/api/auth/ok",
    });
    try {
      const session = await seedBaseline(baseline.url);
      const read = () =>
        fetch(`${baseline.url}/api/auth/get-session`, { headers: { cookie: session.cookie } });
      const body = await (await read()).text();
      const parsed = JSON.parse(body) as { session: { token: string }; user: { email: string } };
      expect(parsed.user.email).toBe("bench-0@baseline.test");
      expect(parsed.session.token).toBe(session.token);
      expect(compareBytes("repeated", body, await (await read()).text())).toEqual([]);
      expect(compareWithBaseline(body, body).warnings).toEqual([]);
      const { email: _dropped, ...userWithoutEmail } = JSON.parse(body).user;
      const missing = JSON.stringify({ session: parsed.session, user: userWithoutEmail });
      expect(compareWithBaseline(missing, body).warnings).toEqual([
        "user.email: better-auth has it, gatehouse does not",
      ]);
    } finally {
      await baseline.stop();
    }
  });
});
