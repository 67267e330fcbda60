/** The ratios block: each goal of issue 14 that a run measures, with its target, from the run's own figures. */
import { fixed, type Ratio, type Row } from "./report.ts";
import { NAMES } from "./scenarios.ts";
import { median } from "./stats.ts";

export interface GoalFigures {
  /** The rows of the interleaved group of goals 1 and 3, by scenario name (NAMES). */
  readonly rows: readonly Row[];
  readonly halfLoad: readonly Row[];
  readonly bytesSame: boolean;
  readonly signIn: Row;
  /** argon2id verifications per second × cores, one figure per round of the sign-in flood. */
  readonly hashLimits: readonly number[];
  readonly idleMiB: number;
  readonly readyMs: number;
  readonly starts: number;
  readonly moduleLoad: { readonly ms: number; readonly rssMiB: number };
}

const SESSION_CHECKS = [NAMES.cookie, NAMES.bearer, NAMES.v1Bearer, NAMES.v1Jwt, NAMES.v1ApiKey];
const short = (name: string) => name.replace("gatehouse ", "");

/**
 * a / b as the median of the ratios of each round: the two scenarios of one round ran seconds apart, so a
 * burst of other work on the machine touches both, where the medians of each could come from different rounds.
 */
export function roundRatio(rows: readonly Row[], a: string, b: string): number {
  const ra = rows.find((r) => r.scenario === a)?.roundRates ?? [];
  const rb = rows.find((r) => r.scenario === b)?.roundRates ?? [];
  return median(ra.map((x, i) => x / (rb[i] ?? Number.NaN)));
}

export function goalRatios(f: GoalFigures): Ratio[] {
  const of = (a: string, b: string) => fixed(roundRatio(f.rows, a, b), 2);
  const signInRatio = median((f.signIn.roundRates ?? []).map((x, i) => x / (f.hashLimits[i] ?? Number.NaN)));
  return [
    ...SESSION_CHECKS.map((name) => ({
      goal: "goal 1",
      what: `${short(name)} / health`,
      measured: of(name, NAMES.health),
      target: "goal ≥ 0.50",
    })),
    ...SESSION_CHECKS.map((name) => ({
      goal: "goal 1",
      what: `${short(name)} / better-auth get-session cookie`,
      measured: of(name, NAMES.baseline),
      target: "goal ≥ 5",
    })),
    ...f.halfLoad
      .filter((row) => row.scenario.startsWith("gatehouse"))
      .map((row) => ({
        goal: "goal 1",
        what: `p99 of ${short(row.scenario)}`,
        measured: `${fixed(row.p99Ms, 2)} ms`,
        target: "goal ≤ 5 ms",
      })),
    {
      goal: "goal 1",
      what: "get-session bytes (cookie = bearer = repeated, shaped as better-auth's)",
      measured: f.bytesSame ? "same" : "differ, see warnings",
      target: "goal: same",
    },
    {
      goal: "goal 3",
      what: "health / bare Bun.serve health",
      measured: of(NAMES.health, NAMES.bare),
      target: "goal ≥ 0.70",
    },
    {
      goal: "goal 4",
      what: "sign-in / hash-bound limit",
      measured: `${fixed(f.signIn.perSecond)} / ${fixed(median(f.hashLimits))} = ${fixed(signInRatio, 2)}`,
      target: "goal ≥ 0.90",
    },
    {
      goal: "goal 4",
      what: "RSS under the sign-in flood",
      measured: `${fixed(f.signIn.rssMiB)} MiB`,
      target: "goal ≤ 150 MB = 143 MiB",
    },
    {
      goal: "goal 4",
      what: "RSS idle after start",
      measured: `${fixed(f.idleMiB)} MiB`,
      target: "goal ≤ 80 MB = 76 MiB",
    },
    {
      goal: "goal 5",
      what: `start to ready, populated SQLite (median of ${f.starts})`,
      measured: `${fixed(f.readyMs)} ms`,
      target: "goal ≤ 300 ms",
    },
    {
      goal: "goal 5",
      what: "module load (import src/app.ts)",
      measured: `${fixed(f.moduleLoad.ms)} ms, ${fixed(f.moduleLoad.rssMiB)} MiB`,
      target: "part of the 300 ms",
    },
  ];
}
