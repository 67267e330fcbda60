/**
 * The time the threads hashing passwords (Bun's pool, where @node-rs/argon2 runs) spent running and waiting
 * for a core, from /proc/self/task/<tid>/schedstat (Linux): ns on a CPU, ns runnable on a run queue.
 */
import { readdirSync, readFileSync } from "node:fs";

export interface ThreadTimes {
  readonly tid: string;
  readonly runNs: number;
  readonly waitNs: number;
}

function times(tid: string): ThreadTimes {
  const [run, wait] = readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8").trim().split(" ");
  return { tid, runNs: Number(run), waitNs: Number(wait) };
}

/** The main (JavaScript) thread: its id is the process's. */
export function mainThread(): ThreadTimes {
  return times(String(process.pid));
}

export function hashingThreads(): ThreadTimes[] {
  const threads: ThreadTimes[] = [];
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      if (!readFileSync(`/proc/self/task/${tid}/comm`, "utf8").startsWith("Bun Pool")) continue;
      threads.push(times(tid));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return threads;
}
