/**
 * The yardstick of goal 1: plain better-auth on Bun with its defaults — `betterAuth` over `bun:sqlite`,
 * e-mail and password (better-auth's own scrypt), no plugins, no cache — served by `Bun.serve`. Two settings
 * differ from the defaults, as for Gatehouse in the same run: rate limiting off (the bench would measure 429s)
 * and the logger silent. Run by bench/run.ts as a process of its own: PORT, DATA_DIR, BASE_URL, AUTH_SECRET.
 */
import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";

const port = Number(process.env.PORT ?? 0);
const dataDir = process.env.DATA_DIR ?? ".";
mkdirSync(dataDir, { recursive: true });
const database = new Database(join(dataDir, "baseline.sqlite"), { create: true });
// What a Bun deployment of better-auth on SQLite sets first: without WAL every write blocks the readers.
database.exec("PRAGMA journal_mode = WAL");

const options = {
  database,
  secret: process.env.AUTH_SECRET,
  baseURL: process.env.BASE_URL ?? `http://127.0.0.1:${port}`,
  emailAndPassword: { enabled: true },
  rateLimit: { enabled: false },
  logger: { disabled: true },
};
const { runMigrations } = await getMigrations(options);
await runMigrations();
const auth = betterAuth(options);

const server = Bun.serve({
  port,
  hostname: "127.0.0.1",
  development: false,
  fetch: (request) => auth.handler(request),
});
console.log(`better-auth baseline on ${server.url}`);
