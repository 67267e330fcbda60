/**
 * What start-up leaves unloaded (./lazy.ts, src/platform/mail/index.ts): Cedar's wasm and the default policies
 * until the first authorization, nodemailer until the first mail; on the SQLite and in-process cache default
 * also the drivers and libraries only some deployments or routes need: ioredis (REDIS_URL only,
 * src/platform/cache/index.ts), pg (a postgres:// DATABASE_URL only, src/platform/db/index.ts), qrcode (the
 * first two-factor QR, src/http/pages/account/qr.ts) and oidc-provider (the first OIDC request,
 * src/http/oidc/provider.ts). Checked in a fresh process, since this one has loaded them for other tests.
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
const packages = () => Object.fromEntries(
  ["ioredis", "pg", "qrcode", "oidc-provider"].map((name) => [name, loaded(\`/node_modules/\${name}/\`)]),
);
const deps = await createDeps(loadConfig({
  NODE_ENV: "production", LOG_LEVEL: "silent", AUTH_SECRET: "a-secret-of-at-least-thirty-two-characters",
  DATA_DIR: process.env.DATA_DIR, SMTP_URL: "smtp://127.0.0.1:9",
}));
const app = createApp(deps);
const atStart = { cedar: loaded("cedar-wasm"), nodemailer: loaded("nodemailer"), ...packages() };
const { createAuthorizer } = await import(${JSON.stringify(join(ROOT, "src/authz/lazy.ts"))});
const authorizer = createAuthorizer({ logger: deps.logger, loadRules: async () => ({ version: 0, rules: [] }) });
const valid = authorizer.validateRule("permit (principal, action, resource);").ok;
const { qrDataUri } = await import(${JSON.stringify(join(ROOT, "src/http/pages/account/qr.ts"))});
const qr = (await qrDataUri("otpauth://totp/Gatehouse:a?secret=JBSWY3DPEHPK3PXP")).startsWith("data:image/svg+xml;base64,");
const afterQr = { qrcode: loaded("/node_modules/qrcode/"), qr };
const discovery = await app.handle(new Request("http://localhost:3000/.well-known/openid-configuration"));
const afterOidc = { "oidc-provider": loaded("/node_modules/oidc-provider/"), status: discovery.status, issuer: typeof (await discovery.json()).issuer };
console.log(JSON.stringify({ atStart, afterAuthorizer: { cedar: loaded("cedar-wasm"), valid }, afterQr, afterOidc }));
await deps.close();
process.exit(0);
`;

test("start-up loads neither Cedar, nodemailer, ioredis, pg, qrcode nor oidc-provider; each loads on first use and works", async () => {
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
      atStart: {
        cedar: false,
        nodemailer: false,
        ioredis: false,
        pg: false,
        qrcode: false,
        "oidc-provider": false,
      },
      afterAuthorizer: { cedar: true, valid: true },
      afterQr: { qrcode: true, qr: true },
      afterOidc: { "oidc-provider": true, status: 200, issuer: "string" },
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 60_000);
