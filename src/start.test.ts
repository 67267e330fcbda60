import { afterAll, describe, expect, it } from "bun:test";
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Subprocess } from "bun";

// `npm start` as a fresh clone runs it: a copy of the tree (src/ and package.json, the installed dependencies
// linked), so that the test can edit a source without touching the repository's.
const REPO = dirname(import.meta.dir);
const root = mkdtempSync(join(tmpdir(), "gatehouse-start-"));
cpSync(join(REPO, "src"), join(root, "src"), { recursive: true });
cpSync(join(REPO, "package.json"), join(root, "package.json"));
symlinkSync(join(REPO, "node_modules"), join(root, "node_modules"));
const dataDir = join(root, "data");
const HEALTH_TOKEN = "start-test-health-token";

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port ?? 0;
  await probe.stop(true);
  return port;
}

interface Started {
  readonly process: Subprocess<"ignore", "pipe", "pipe">;
  readonly baseUrl: string;
}

/** Runs `src/start.ts` of the copy until /health answers (or the process ends). */
async function start(): Promise<Started> {
  const port = await freePort();
  const child = Bun.spawn([process.execPath, join(root, "src", "start.ts")], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      AUTH_SECRET: "test-secret-test-secret-test-secret-0123",
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      RATE_LIMIT_ENABLED: "false",
      HEALTH_TOKEN: HEALTH_TOKEN,
    },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  // A build and a start on a loaded machine take seconds; the test waits for the answer, not for a time.
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`start.ts exited: ${await new Response(child.stderr).text()}`);
    const ok = await fetch(`${baseUrl}/health`)
      .then((response) => response.status === 200)
      .catch(() => false);
    if (ok) return { process: child, baseUrl };
    await Bun.sleep(50);
  }
}

async function stop(started: Started): Promise<string> {
  started.process.kill("SIGTERM");
  await started.process.exited;
  return `${await new Response(started.process.stdout).text()}${await new Response(started.process.stderr).text()}`;
}

const bundles = () => (existsSync(join(root, "dist")) ? readdirSync(join(root, "dist")) : []);

describe("npm start (src/start.ts)", () => {
  it("builds a bundle on a fresh clone and serves from it, page assets included", async () => {
    expect(bundles()).toEqual([]);
    const started = await start();
    try {
      expect(bundles()).toHaveLength(1);
      expect(existsSync(join(root, "dist", bundles()[0] ?? "", "index.js"))).toBe(true);
      // Files a module serves from next to itself are still found once it is bundled.
      const css = await fetch(`${started.baseUrl}/pages/assets/pages.css`);
      expect(css.status).toBe(200);
      expect((await css.text()).length).toBeGreaterThan(0);
      const signIn = await fetch(`${started.baseUrl}/sign-in`);
      expect(signIn.status).toBe(200);
      // A package resolved from a module's folder (the health report's versions) is still found.
      const detailed = await fetch(`${started.baseUrl}/health/detailed`, {
        headers: { authorization: `Bearer ${HEALTH_TOKEN}` },
      });
      expect(detailed.status).toBe(200);
      const versions = ((await detailed.json()) as { versions?: { better_auth?: string } }).versions;
      expect(versions?.better_auth).toMatch(/^\d+\.\d+\.\d+/);
      // A module loaded on the first request (oidc-provider) loads from the bundle too.
      const discovery = await fetch(`${started.baseUrl}/.well-known/openid-configuration`);
      expect(discovery.status).toBe(200);
      expect(((await discovery.json()) as { issuer?: string }).issuer).toBeString();
    } finally {
      await stop(started);
    }
  }, 60_000);

  it("starts again from the same bundle while the sources are unchanged", async () => {
    const before = bundles();
    const started = await start();
    await stop(started);
    expect(bundles()).toEqual(before);
  }, 60_000);

  it("starts from src/ unbundled when no bundle can be built (dist/ not writable)", async () => {
    rmSync(join(root, "dist"), { recursive: true, force: true });
    // A file where the folder should be: no bundle can be written, whoever runs the test (root included).
    writeFileSync(join(root, "dist"), "");
    try {
      const started = await start();
      const answer = await fetch(`${started.baseUrl}/sign-in`);
      const output = await stop(started);
      expect(answer.status).toBe(200);
      expect(output).toContain("starting from src/ unbundled");
    } finally {
      rmSync(join(root, "dist"), { force: true });
    }
  }, 60_000);

  it("rebuilds when a source changed, and runs the changed code", async () => {
    const before = bundles();
    const marker = `rebuilt-${crypto.randomUUID()}`;
    appendFileSync(join(root, "src", "index.ts"), `\nconsole.error(${JSON.stringify(marker)});\n`);
    const started = await start();
    const output = await stop(started);
    expect(output).toContain(marker);
    expect(bundles()).toHaveLength(1);
    expect(bundles()).not.toEqual(before);
  }, 60_000);
});
