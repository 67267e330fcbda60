/**
 * A private PostgreSQL cluster for fault tests: initdb in a temp folder, served on a free loopback port by
 * pg_ctl, so a test may restart, crash or stop it without touching anyone else's database. Runs as the
 * `postgres` user (initdb refuses root) through runuser; trust authentication on loopback only.
 *
 * `privatePostgresUnavailable()` says why it cannot run here (no binaries, no postgres user, no runuser), for
 * a visible skip. Start-up is kept fast: no fsync, small shared buffers.
 */
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PG_ROOT = "/usr/lib/postgresql";

function binDir(): string | undefined {
  if (!existsSync(PG_ROOT)) return undefined;
  const versions = readdirSync(PG_ROOT)
    .filter((v) => existsSync(join(PG_ROOT, v, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(PG_ROOT, versions[0], "bin") : undefined;
}

function postgresIds(): { uid: number; gid: number } | undefined {
  const uid = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Why a private cluster cannot run on this machine, or undefined when it can. */
export function privatePostgresUnavailable(): string | undefined {
  if (!binDir()) return `no PostgreSQL binaries under ${PG_ROOT}/*/bin`;
  if (!postgresIds()) return "no `postgres` user to run initdb and pg_ctl as";
  if (spawnSync("runuser", ["--help"]).status !== 0) return "no runuser to switch to the postgres user";
  return undefined;
}

export type StopMode = "smart" | "fast" | "immediate";

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  readonly url: string;
  readonly port: number;
  /** pg_ctl restart -m <mode>: `fast` terminates sessions (57P01), `immediate` kills the server outright. */
  restart(mode: StopMode): Promise<void>;
  stop(mode?: StopMode): Promise<void>;
  start(): Promise<void>;
  /** Stops the cluster and removes its folder. */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const reason = privatePostgresUnavailable();
  if (reason) throw new Error(`private PostgreSQL unavailable: ${reason}`);
  const bin = binDir() as string;
  const ids = postgresIds() as { uid: number; gid: number };
  const root = mkdtempSync(join(tmpdir(), "gatehouse-pg-"));
  chownSync(root, ids.uid, ids.gid);
  const data = join(root, "data");
  const port = await freePort();

  // Asynchronous on purpose: a test's clients keep sending requests while the cluster restarts.
  const asPostgres = async (command: string, args: string[]): Promise<void> => {
    const child = Bun.spawn(["runuser", "-u", "postgres", "--", join(bin, command), ...args], {
      cwd: root,
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err, code] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    if (code !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${err || out}`);
  };
  const options = [
    "-c listen_addresses=127.0.0.1",
    `-c port=${port}`,
    `-k ${root}`,
    // A throwaway cluster: durability costs start-up and test time for nothing.
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
    "-c shared_buffers=16MB",
    "-c max_connections=50",
  ].join(" ");
  const start = () =>
    asPostgres("pg_ctl", ["-D", data, "-o", options, "-l", join(root, "log"), "-w", "start"]);
  const stop = (mode: StopMode = "fast") => asPostgres("pg_ctl", ["-D", data, "-m", mode, "-w", "stop"]);

  await asPostgres("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"]);
  await start();
  let closed = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    restart: (mode) =>
      asPostgres("pg_ctl", ["-D", data, "-m", mode, "-o", options, "-l", join(root, "log"), "-w", "restart"]),
    stop,
    start,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await stop("immediate");
      } catch {
        // Already stopped (a test's stop without its start): nothing to stop.
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
