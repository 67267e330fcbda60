/**
 * `npm run oidc:rotate-key` (src/oidc-rotate-key.ts) against a Gatehouse's database: it prints a new kid, and a
 * node started afterwards serves that key first in its JWKS with the previous one still published.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

let gatehouse: TestApp;

beforeAll(async () => {
  gatehouse = await createTestApp();
  await gatehouse.listen();
});
afterAll(async () => {
  await gatehouse.close();
});

async function kids(app: TestApp): Promise<string[]> {
  const response = await app.request("/oidc/jwks");
  expect(response.status).toBe(200);
  return ((await response.json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
}

describe("npm run oidc:rotate-key", () => {
  it("adds a signing key that the next start signs with, keeping the old one published for an hour", async () => {
    const [before] = await kids(gatehouse);
    expect(before).toBeString();
    const { config } = gatehouse;
    const run = Bun.spawnSync(["bun", "src/oidc-rotate-key.ts"], {
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "test",
        LOG_LEVEL: "silent",
        DATA_DIR: config.dataDir,
        AUTH_SECRET: config.authSecret,
        ...(config.databaseUrl ? { DATABASE_URL: config.databaseUrl } : {}),
        ...(config.databaseSchema ? { DATABASE_SCHEMA: config.databaseSchema } : {}),
      },
    });
    expect(run.stderr.toString()).toBe("");
    expect(run.exitCode).toBe(0);
    const printed = JSON.parse(run.stdout.toString()) as Record<string, unknown>;
    expect(printed.kid).toBeString();
    expect(printed.kid).not.toBe(before);
    expect(printed.previousKeysRetainedSeconds).toBe(3600);

    const next = await createTestApp({
      reuse: { dataDir: config.dataDir, ...(config.databaseSchema ? { schema: config.databaseSchema } : {}) },
    });
    try {
      expect(await kids(next)).toEqual([String(printed.kid), String(before)]);
    } finally {
      await next.close();
    }
  });
});
