/**
 * What start-up leaves unloaded (./lazy.ts, src/platform/mail/index.ts): Cedar's wasm and the default policies
 * until the first authorization, nodemailer until the first mail. Checked in a fresh process, since this one
 * has loaded both for other tests.
 */
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..", "..");

const SCRIPT = `
const { loadConfig } = await import(${JSON.stringify(join(ROOT, "src/config.ts"))});
const { createDeps } = await import(${JSON.stringify(join(ROOT, "src/deps.ts"))});
const { createApp } = await import(${JSON.stringify(join(ROOT, "src/app.ts"))});
const loaded = (name) => Object.keys(require.cache).some((path) => path.includes(name));
const deps = await createDeps(loadConfig({
  NODE_ENV: "production", LOG_LEVEL: "silent", AUTH_SECRET: "a-secret-of-at-least-thirty-two-characters",
  DATA_DIR: process.env.DATA_DIR, SMTP_URL: "smtp://127.0.0.1:9",
}));
createApp(deps);
const atStart = { cedar: loaded("cedar-wasm"), nodemailer: loaded("nodemailer") };
const { createAuthorizer } = await import(${JSON.stringify(join(ROOT, "src/authz/lazy.ts"))});
const authorizer = createAuthorizer({ logger: deps.logger, loadRules: async () => ({ version: 0, rules: [] }) });
const valid = authorizer.validateRule("permit (principal, action, resource);").ok;
console.log(JSON.stringify({ atStart, afterAuthorizer: { cedar: loaded("cedar-wasm"), valid } }));
await deps.close();
process.exit(0);
`;

test("start-up loads neither Cedar nor nodemailer; the first authorizer loads Cedar and works", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-lazy-"));
  try {
    const child = Bun.spawn(["bun", "-e", SCRIPT], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err] = [await new Response(child.stdout).text(), await new Response(child.stderr).text()];
    expect(await child.exited, err).toBe(0);
    const lastLine = out.trim().split("\n").at(-1) ?? "";
    expect(JSON.parse(lastLine)).toEqual({
      atStart: { cedar: false, nodemailer: false },
      afterAuthorizer: { cedar: true, valid: true },
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 60_000);
