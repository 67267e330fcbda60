/**
 * The header limit through a real server started as `npm start` starts it: Bun's own HTTP parser is given more
 * room (`--max-http-header-size`, package.json) than the app's limit, so a request with too large headers reaches
 * the app and gets its 431 in the shape of the surface it was sent to. Beyond Bun's room, Bun answers a bare 431
 * before the app runs; nothing can give that answer a body.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_HEADER_BYTES } from "./request-limits.ts";

const ROOT = join(import.meta.dir, "..", "..", "..");
/** The bun flags of `npm start` (e.g. `--max-http-header-size=65536`). */
const START_FLAGS = (
  JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    scripts: { start: string };
  }
).scripts.start
  .split(/\s+/)
  .filter((part) => part.startsWith("--"));
const BUN_ROOM = Number(
  START_FLAGS.find((f) => f.startsWith("--max-http-header-size="))?.split("=")[1] ?? 16384,
);

let dataDir = "";
let proc: Bun.Subprocess<"ignore", "ignore", "pipe"> | undefined;
let baseUrl = "";

async function freePort(): Promise<number> {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port ?? 0;
  await probe.stop(true);
  return port;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "gatehouse-headers-"));
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  proc = Bun.spawn([process.execPath, ...START_FLAGS, join(ROOT, "src", "index.ts")], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? tmpdir(),
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      HOST: "127.0.0.1",
      PORT: String(port),
      BASE_URL: baseUrl,
      DATA_DIR: dataDir,
      AUTH_SECRET: "headers-secret-headers-secret-0123456789",
      ADMIN_EMAIL: "root@headers.test",
      ADMIN_PASSWORD: "root-password-1",
      ARGON2_MEMORY_KIB: "8192",
      ARGON2_ITERATIONS: "1",
    },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`server exited: ${await new Response(proc.stderr).text()}`);
    if (
      await fetch(`${baseUrl}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await Bun.sleep(100);
  }
  throw new Error("server did not start");
  // The wait above allows 30 s: a loaded machine starts a process more slowly than bun's 5 s hook default.
}, 35_000);

afterAll(async () => {
  proc?.kill();
  await proc?.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

const withFiller = (path: string, bytes: number) =>
  fetch(`${baseUrl}${path}`, { headers: { "x-filler": "x".repeat(bytes) } });

describe("headers too large, through the server", () => {
  it("leaves Bun room beyond the app's limit", () => {
    expect(BUN_ROOM).toBeGreaterThan(MAX_HEADER_BYTES * 2);
  });

  it("answers 431 in the native shape on /v1 and in FastAPI's on GeoLens", async () => {
    const native = await withFiller("/v1/users", MAX_HEADER_BYTES + 1024);
    expect(native.status).toBe(431);
    expect(await native.json()).toMatchObject({ code: "headers_too_large", error: "headers_too_large" });
    const geolens = await withFiller("/api/admin/users/", MAX_HEADER_BYTES + 1024);
    expect(geolens.status).toBe(431);
    expect(await geolens.json()).toEqual({ detail: "Request Header Fields Too Large" });
  });

  it("answers 431 on GET /health too (the probe's fast path leaves such a request to the app)", async () => {
    const health = await withFiller("/health", MAX_HEADER_BYTES + 1024);
    expect(health.status).toBe(431);
    expect(await health.json()).toMatchObject({ code: "headers_too_large" });
  });

  it("lets headers under the limit through", async () => {
    const response = await withFiller("/v1/users", MAX_HEADER_BYTES / 2);
    expect(response.status).toBe(401);
  });

  it("beyond Bun's room, Bun itself refuses with a bare 431", async () => {
    const response = await withFiller("/v1/users", BUN_ROOM + 1024);
    expect(response.status).toBe(431);
  });
});
