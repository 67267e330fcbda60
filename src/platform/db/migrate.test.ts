import { describe, expect, it } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dropSchema } from "../../../test/helpers/test-app.ts";
import { loadConfig } from "../../config.ts";
import { createDeps } from "../../deps.ts";

const pgUrl = process.env.TEST_DATABASE_URL;

describe("migrations on PostgreSQL", () => {
  it.skipIf(!pgUrl)(
    "let three nodes start at once on an empty schema: all come up, with one admin and one default tenant",
    async () => {
      const schema = `t_${randomBytes(6).toString("hex")}`;
      const dirs = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), "gatehouse-migrate-")));
      const configs = dirs.map((dir) =>
        loadConfig(
          {
            NODE_ENV: "test",
            LOG_LEVEL: "silent",
            DATA_DIR: dir,
            AUTH_SECRET: "test-secret-test-secret-test-secret-0123",
            DATABASE_URL: pgUrl ?? "",
            DATABASE_SCHEMA: schema,
            ADMIN_EMAIL: "admin@gatehouse.test",
            ADMIN_PASSWORD: "admin-password-1",
          },
          () => {},
        ),
      );
      try {
        const nodes = await Promise.all(configs.map((config) => createDeps(config)));
        const first = nodes[0];
        if (!first) throw new Error("no node started");
        const tenants = await first.db.kysely
          .selectFrom("organization")
          .select("id")
          .where("slug", "=", "default")
          .execute();
        expect(tenants).toHaveLength(1);
        const admins = await first.db.kysely
          .selectFrom("user")
          .select("id")
          .where("role", "=", "admin")
          .execute();
        expect(admins).toHaveLength(1);
        await Promise.all(nodes.map((node) => node.close()));
      } finally {
        await dropSchema(pgUrl ?? "", schema);
        for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
