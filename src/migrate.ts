/** `npm run migrate`: bring the database schema up to date and exit (start-up does the same). */
import { loadConfig } from "./config.ts";
import { createDeps } from "./deps.ts";

const deps = await createDeps(loadConfig());
deps.logger.info({ dialect: deps.db.dialect }, "migrations applied");
await deps.close();
