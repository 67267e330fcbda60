/**
 * A database that cannot be opened stops start-up with one line that names the path (or host:port, never the
 * password) and the reason, and a non-zero exit code — no stack, no SQLite "unable to open database file".
 * Real server processes (`bun src/index.ts`); the read-only cases mount a tmpfs read-only (root ignores file
 * modes) and are skipped with the reason where mounting is not possible.
 */
import { afterAll, describe, expect, it } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..", "..");
const scratch = mkdtempSync(join(tmpdir(), "gatehouse-startup-"));

interface Exit {
  readonly code: number | null;
  readonly lines: string[];
}

/** Starts the server with this environment (and nothing else from ours) and waits for it to stop. */
async function start(env: Record<string, string>): Promise<Exit> {
  const child = Bun.spawn([process.execPath, "src/index.ts"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "test",
      PORT: "0",
      HOST: "127.0.0.1",
      AUTH_SECRET: "test-secret-test-secret-test-secret-0123",
      LOG_LEVEL: "silent",
      ...env,
    },
    stdout: "ignore",
    stderr: "pipe",
  });
  // A server that did start would not stop by itself: kill it, and the test fails on the exit code.
  const guard = setTimeout(() => child.kill("SIGKILL"), 10_000);
  const stderr = await new Response(child.stderr).text();
  const code = await child.exited;
  clearTimeout(guard);
  return { code, lines: stderr.split("\n").filter((line) => line.trim() !== "") };
}

const roMount = join(scratch, "ro");
spawnSync("mkdir", ["-p", roMount]);
const mount = spawnSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", roMount], { encoding: "utf8" });
const mounted = mount.status === 0;
const skipReason = mounted ? "" : ` — SKIPPED: cannot mount a tmpfs (${mount.stderr?.trim() || mount.error})`;

function remount(mode: "ro" | "rw"): void {
  const result = spawnSync("mount", ["-o", `remount,${mode}`, roMount], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`remount ${mode} failed: ${result.stderr}`);
}

afterAll(() => {
  if (mounted && spawnSync("umount", [roMount]).status !== 0) spawnSync("umount", ["-l", roMount]);
  rmSync(scratch, { recursive: true, force: true });
});

describe("start-up with a DATA_DIR that cannot hold the database", () => {
  it("stops with one line naming a DATA_DIR that is a regular file", async () => {
    const file = join(scratch, "not-a-directory");
    writeFileSync(file, "");
    const exit = await start({ DATA_DIR: file });
    expect(exit.code).not.toBe(0);
    expect(exit.lines).toEqual([
      `gatehouse: configuration error: DATA_DIR: cannot create ${file}: it (or a part of its path) is not a directory`,
    ]);
  });

  it.skipIf(!mounted)(`stops with one line naming a read-only DATA_DIR${skipReason}`, async () => {
    remount("ro");
    try {
      const exit = await start({ DATA_DIR: roMount });
      expect(exit.code).toBe(1);
      expect(exit.lines).toEqual([
        `gatehouse: cannot open the database at ${roMount}/gatehouse.sqlite: the file system is read-only`,
      ]);
    } finally {
      remount("rw");
    }
  });

  it.skipIf(!mounted)(
    `stops with one line when an existing database is on a read-only file system${skipReason}`,
    async () => {
      writeFileSync(join(roMount, "gatehouse.sqlite"), "");
      remount("ro");
      try {
        const exit = await start({ DATA_DIR: roMount });
        expect(exit.code).toBe(1);
        expect(exit.lines).toHaveLength(1);
        expect(exit.lines[0]).toStartWith(
          `gatehouse: cannot open the database at ${roMount}/gatehouse.sqlite: `,
        );
        expect(exit.lines[0]).toContain("read-only");
      } finally {
        remount("rw");
      }
    },
  );

  it("stops with one line naming an unreachable PostgreSQL by host:port, without the password", async () => {
    // A port nothing listens on: bound and released at once.
    const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const port = probe.port;
    probe.stop(true);
    const password = "pg-password-never-shown";
    const exit = await start({
      DATA_DIR: join(scratch, "pg"),
      DATABASE_URL: `postgres://gatehouse:${password}@127.0.0.1:${port}/gatehouse`,
    });
    expect(exit.code).toBe(1);
    expect(exit.lines).toEqual([
      `gatehouse: cannot reach PostgreSQL at 127.0.0.1:${port}: connection refused`,
    ]);
    expect(exit.lines.join("\n")).not.toContain(password);
  });
});
