/** The printed record of a run: the machine line, one table, and the ratios of the goals. */
import { cpus, loadavg, release } from "node:os";

export interface Row {
  readonly scenario: string;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Peak resident set of the server process during the scenario, MiB. */
  readonly rssMiB: number;
  readonly errors: number;
  readonly errorKinds?: Readonly<Record<string, number>>;
  /** req/s of each round, in order: a ratio is taken round by round (bench/goals.ts). */
  readonly roundRates?: readonly number[];
}

export function machineLine(cores: number): string {
  const model = cpus()[0]?.model ?? "unknown CPU";
  const load = loadavg()
    .map((n) => n.toFixed(1))
    .join(" ");
  return `machine: ${cores} cores, ${model}, Bun ${Bun.version}, Linux ${release()}, load average ${load}`;
}

const num = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "–");

export function table(rows: readonly Row[]): string {
  const width = Math.max(8, ...rows.map((r) => r.scenario.length));
  const header = `${"scenario".padEnd(width)}  ${"req/s".padStart(8)}  ${"p50 ms".padStart(7)}  ${"p99 ms".padStart(
    7,
  )}  ${"RSS MiB".padStart(7)}  ${"errors".padStart(6)}`;
  const lines = rows.map(
    (r) =>
      `${r.scenario.padEnd(width)}  ${num(r.perSecond).padStart(8)}  ${num(r.p50Ms, 2).padStart(7)}  ${num(
        r.p99Ms,
        2,
      ).padStart(7)}  ${num(r.rssMiB).padStart(7)}  ${String(r.errors).padStart(6)}`,
  );
  return [header, "-".repeat(header.length), ...lines].join("\n");
}

export interface Ratio {
  readonly goal: string;
  readonly what: string;
  /** The measured figure, already formatted with its unit. */
  readonly measured: string;
  readonly target: string;
}

export function ratios(list: readonly Ratio[]): string {
  const width = Math.max(...list.map((r) => r.what.length));
  return list
    .map((r) => `${r.goal.padEnd(7)} ${r.what.padEnd(width)} = ${r.measured} (${r.target})`)
    .join("\n");
}

export const fixed = num;
