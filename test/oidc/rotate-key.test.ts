/**
 * `npm run oidc:rotate-key` (src/oidc-rotate-key.ts) against a Gatehouse's database: it prints a new kid; the
 * running node serves that key first in its JWKS, with the previous one still published, without a restart
 * (it checks every second here, OIDC_KEY_CHECK_SECONDS=1), and so does a node started afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

let gatehouse: TestApp;

beforeAll(async () => {
  gatehouse = await createTestApp({ env: { OIDC_KEY_CHECK_SECONDS: "1" } });
  await gatehouse.listen();
});

// The script is a process of its own and a second node starts: seconds on a loaded machine.
const TEST_TIMEOUT_MS = 60_000;
afterAll(async () => {
  await gatehouse.close();
});

async function kids(app: TestApp): Promise<string[]> {
  const response = await app.request("/oidc/jwks");
  expect(response.status).toBe(200);
  return ((await response.json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
}

describe("npm run oidc:rotate-key", () => {
  it(
    "adds a signing key that running and new nodes serve first, keeping the old one published for an hour",
    async () => {
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

      const expected = [String(printed.kid), String(before)];
      // Polled, not timed: the test's timeout bounds it.
      let running = await kids(gatehouse);
      while (running[0] !== printed.kid) {
        await Bun.sleep(200);
        running = await kids(gatehouse);
      }
      expect(running).toEqual(expected);

      const next = await createTestApp({
        reuse: {
          dataDir: config.dataDir,
          ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
        },
      });
      try {
        expect(await kids(next)).toEqual(expected);
      } finally {
        await next.close();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
