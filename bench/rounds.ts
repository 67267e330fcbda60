/**
 * Interleaved rounds: the scenarios of a group run A B C … A B C …, so that each sees the same share of
 * whatever else loads the machine, and each figure is the median over the rounds (RSS: the highest seen).
 */
import type { LoadResult } from "./load-spec.ts";
import { type ServerProcess, sampleRss } from "./processes.ts";
import type { Row } from "./report.ts";
import type { Scenario } from "./scenarios.ts";
import { median } from "./stats.ts";

export interface Measured {
  readonly result: LoadResult;
  /** Highest VmRSS of the server during the run, MiB. */
  readonly rssMiB: number;
}

export async function measured(server: ServerProcess, run: () => Promise<LoadResult>): Promise<Measured> {
  const sampler = sampleRss(server.pid);
  const result = await run();
  return { result, rssMiB: sampler.stop() };
}

function sumKinds(list: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const kinds of list) for (const [kind, n] of Object.entries(kinds)) sum[kind] = (sum[kind] ?? 0) + n;
  return sum;
}

export function toRow(name: string, runs: readonly Measured[]): Row {
  return {
    scenario: name,
    perSecond: median(runs.map((r) => r.result.perSecond)),
    p50Ms: median(runs.map((r) => r.result.p50Ms)),
    p99Ms: median(runs.map((r) => r.result.p99Ms)),
    rssMiB: Math.max(...runs.map((r) => r.rssMiB)),
    errors: runs.reduce((sum, r) => sum + r.result.errors, 0),
    errorKinds: sumKinds(runs.map((r) => r.result.errorKinds)),
    roundRates: runs.map((r) => r.result.perSecond),
  };
}

/** One row per scenario, medians over `rounds` interleaved rounds. */
export async function interleaved<S extends Scenario>(
  scenarios: readonly S[],
  rounds: number,
  run: (s: S) => Promise<LoadResult>,
): Promise<Row[]> {
  const runs = scenarios.map(() => [] as Measured[]);
  for (let round = 0; round < rounds; round++) {
    for (const [i, scenario] of scenarios.entries()) {
      runs[i]?.push(await measured(scenario.server, () => run(scenario)));
    }
  }
  return scenarios.map((s, i) => toRow(s.name, runs[i] ?? []));
}
