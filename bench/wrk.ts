/**
 * Drives `wrk` (closed loop, one thread) from its own process and reads its report: the latency distribution
 * of `--latency`, the requests, the non-2xx answers and the socket errors. Headers and bodies go through a Lua
 * script, written to a temp file per run.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LoadResult, LoadSpec } from "./load-spec.ts";

const UNIT_MS: Readonly<Record<string, number>> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function durationMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!match) throw new Error(`wrk: unreadable duration "${text}"`);
  return Number(match[1]) * (UNIT_MS[match[2] ?? "ms"] ?? 1);
}

/** Reads wrk's report (run with `--latency`); `seconds` is what was asked, the report's own is used if present. */
export function parseWrk(report: string, seconds: number): LoadResult {
  const requestsLine = /(\d+) requests in ([\d.]+)(us|ms|s|m)/.exec(report);
  if (!requestsLine) throw new Error(`wrk: no request count in its report:\n${report}`);
  const requests = Number(requestsLine[1]);
  const elapsed = requestsLine[2] ? durationMs(`${requestsLine[2]}${requestsLine[3]}`) / 1000 : seconds;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(report)?.[1] ?? 0);
  // A socket error ends a request without an answer (not among `requests`). A "timeout" is an answer that took
  // longer than --timeout: it is among `requests` but its latency is not recorded, hence a long --timeout.
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(report);
  const errorKinds: Record<string, number> = {};
  if (non2xx > 0) errorKinds["non-2xx"] = non2xx;
  for (const [i, kind] of ["connect", "read", "write", "timeout"].entries()) {
    const count = Number(socket?.[i + 1] ?? 0);
    if (count > 0) errorKinds[kind] = count;
  }
  const quantile = (p: number) => {
    const line = new RegExp(`^\\s+${p}(?:\\.0+)?%\\s+(\\S+)`, "m").exec(report);
    return line?.[1] ? durationMs(line[1]) : Number.NaN;
  };
  return {
    requests,
    errors: Object.values(errorKinds).reduce((sum, n) => sum + n, 0),
    errorKinds,
    seconds: elapsed,
    perSecond: Math.max(0, requests - non2xx) / elapsed,
    p50Ms: quantile(50),
    p99Ms: quantile(99),
    tool: "wrk",
  };
}

/** Lua long strings need no escaping as long as the text does not close them. */
function luaString(text: string): string {
  let level = 1;
  while (text.includes(`]${"=".repeat(level)}]`)) level++;
  const eq = "=".repeat(level);
  return `[${eq}[${text}]${eq}]`;
}

export function luaScript(spec: Pick<LoadSpec, "method" | "headers" | "bodies">): string {
  const lines = [`wrk.method = ${luaString(spec.method ?? "GET")}`];
  for (const [name, value] of Object.entries(spec.headers ?? {})) {
    // The spaces matter: `[[=[` would open a long string.
    lines.push(`wrk.headers[ ${luaString(name)} ] = ${luaString(value)}`);
  }
  const bodies = spec.bodies ?? [];
  if (bodies.length === 1) lines.push(`wrk.body = ${luaString(bodies[0] ?? "")}`);
  if (bodies.length > 1) {
    lines.push(`local bodies = { ${bodies.map(luaString).join(", ")} }`);
    lines.push("local n = 0");
    lines.push("request = function()");
    lines.push("  n = n % #bodies + 1");
    lines.push("  return wrk.format(nil, nil, nil, bodies[n])");
    lines.push("end");
  }
  return `${lines.join("\n")}\n`;
}

export const wrkPath = (): string | null => Bun.which("wrk");

export async function runWrk(spec: LoadSpec): Promise<LoadResult> {
  if (spec.rate !== undefined) throw new Error("wrk cannot hold a fixed rate: use bench/load.ts");
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-wrk-"));
  try {
    const script = join(dir, "request.lua");
    writeFileSync(script, luaScript(spec));
    const wrk = Bun.spawn(
      [
        wrkPath() ?? "wrk",
        "-t1",
        `-c${spec.connections}`,
        `-d${spec.seconds}s`,
        "--latency",
        // Answers slower than this are counted as timeouts without their latency: keep every answer in p99.
        "--timeout",
        "60s",
        "-s",
        script,
        spec.url,
      ],
      { stdout: "pipe", stderr: "pipe" },
    );
    const [report, problems, code] = await Promise.all([
      new Response(wrk.stdout).text(),
      new Response(wrk.stderr).text(),
      wrk.exited,
    ]);
    if (code !== 0) throw new Error(`wrk exited with ${code}: ${problems}${report}`);
    return parseWrk(report, spec.seconds);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
