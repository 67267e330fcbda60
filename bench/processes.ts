/**
 * The servers under test, each a process of its own: spawned, polled until ready, measured through
 * /proc/<pid>/status (VmRSS now, VmHWM the peak since start) and stopped with SIGTERM.
 *
 * Gatehouse is started with the command of `npm start` (package.json `scripts.start`, through `sh -c` with
 * node_modules/.bin on PATH, as npm runs it), so whatever that script becomes — a bundle, a build step first —
 * is what gets measured. The process measured is the one that listens on the port (found through
 * /proc/net/tcp among the descendants of the spawned shell), not the shell.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";

export const REPO = join(import.meta.dir, "..");

export interface ServerProcess {
  readonly name: string;
  readonly url: string;
  /** The process that listens on the port. */
  readonly pid: number;
  /** Milliseconds from spawn to the first ready answer. */
  readonly readyMs: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly name: string;
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly port: number;
  /** Polled until it answers 200. */
  readonly readyPath: string;
  readonly timeoutMs?: number;
}

export async function freePort(): Promise<number> {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port ?? 0;
  await probe.stop(true);
  return port;
}

/** `npm start`'s command line, to run through `sh -c` (npm does the same). */
export function startCommand(): string[] {
  const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
    scripts?: Record<string, string>;
  };
  const script = pkg.scripts?.start;
  if (!script) throw new Error("package.json has no start script");
  return ["sh", "-c", script];
}

/** PATH as npm sets it for a script: the project's binaries first. */
export function npmPath(): string {
  return `${join(REPO, "node_modules", ".bin")}:${process.env.PATH ?? ""}`;
}

export async function startServer(options: StartOptions): Promise<ServerProcess> {
  const url = `http://127.0.0.1:${options.port}`;
  const began = performance.now();
  const child = Bun.spawn([...options.command], {
    cwd: REPO,
    env: options.env,
    stdin: "ignore",
    stdout: "ignore",
    stderr: "inherit",
  });
  const deadline = began + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${options.name} exited with ${child.exitCode} before ready`);
    const ok = await fetch(`${url}${options.readyPath}`).then(
      async (response) => {
        await response.arrayBuffer();
        return response.status === 200;
      },
      () => false,
    );
    if (ok) break;
    if (performance.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${options.name} not ready within ${options.timeoutMs ?? 60_000} ms`);
    }
    await Bun.sleep(5);
  }
  const readyMs = performance.now() - began;
  const pid = listenerPid(child.pid, options.port) ?? child.pid;
  return {
    name: options.name,
    url,
    pid,
    readyMs,
    async stop() {
      for (const target of new Set([pid, child.pid])) signal(target, "SIGTERM");
      const stopped = await Promise.race([
        child.exited.then(() => true),
        Bun.sleep(15_000).then(() => false),
      ]);
      if (!stopped) for (const target of new Set([pid, child.pid])) signal(target, "SIGKILL");
      await child.exited;
      // With `sh -c` the shell may exit before the server it started; wait for the server too.
      while (alive(pid)) await Bun.sleep(20);
    },
  };
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/status`, "utf8").includes("State:\tZ");
  } catch {
    return false;
  }
}

export interface Memory {
  /** Resident set now, MiB. */
  readonly rssMiB: number;
  /** Peak resident set since start, MiB. */
  readonly hwmMiB: number;
}

export function memory(pid: number): Memory {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
    return { rssMiB: kib("VmRSS") / 1024, hwmMiB: kib("VmHWM") / 1024 };
  } catch {
    return { rssMiB: Number.NaN, hwmMiB: Number.NaN };
  }
}

/** Samples VmRSS until stopped; `stop()` gives the highest value seen. */
export function sampleRss(pid: number, everyMs = 200): { stop(): number } {
  let peak = memory(pid).rssMiB;
  const timer = setInterval(() => {
    peak = Math.max(peak, memory(pid).rssMiB);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, memory(pid).rssMiB);
    },
  };
}

/** The process among `root` and its descendants that holds the socket listening on `port`. */
export function listenerPid(root: number, port: number): number | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  for (const pid of descendants(root)) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode && inodes.has(inode)) return pid;
      } catch {
        // The descriptor closed while we looked.
      }
    }
  }
  return undefined;
}

function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is `ADDR:PORT` in hex; state 0A is LISTEN; the inode is the tenth field.
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === "0A" && fields[9]) inodes.add(fields[9]);
    }
  }
  return inodes;
}

function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name (field 2) may hold spaces and parentheses: the parent pid follows its last ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // Exited while we looked.
    }
  }
  const found = [root];
  for (let i = 0; i < found.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === found[i]) found.push(pid);
  }
  return found;
}
