/**
 * Gatehouse's own tables, as ordered Kysely migrations that run after better-auth's. Column types are chosen
 * per dialect (timestamps are `timestamptz` on PostgreSQL and ISO-8601 text on SQLite; booleans are integers on
 * SQLite); queries read them back through the helpers in ./values.ts.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import type { Dialect, Tables } from "./index.ts";

function migrations(dialect: Dialect): Record<string, Migration> {
  const timestamp = dialect === "postgres" ? "timestamptz" : "text";
  const bool = dialect === "postgres" ? "boolean" : "integer";
  return {
    "001_tenant_tables": {
      async up(db: Kysely<Tables>) {
        // A tenant's role catalogue (the organization plugin stores members' roles as names).
        await db.schema
          .createTable("tenant_role")
          .ifNotExists()
          .addColumn("organizationId", "text", (c) =>
            c.notNull().references("organization.id").onDelete("cascade"),
          )
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("description", "text")
          .addColumn("createdAt", sql.raw(timestamp), (c) => c.notNull())
          .addPrimaryKeyConstraint("tenant_role_pk", ["organizationId", "name"])
          .execute();
        await db.schema
          .createTable("api_key")
          .ifNotExists()
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("organizationId", "text", (c) =>
            c.notNull().references("organization.id").onDelete("cascade"),
          )
          .addColumn("name", "text", (c) => c.notNull())
          // SHA-256 of the key: keys are 256-bit random, so a fast hash is enough and lookups stay O(1).
          .addColumn("keyHash", "text", (c) => c.notNull().unique())
          .addColumn("prefix", "text", (c) => c.notNull())
          .addColumn("roles", "text", (c) => c.notNull())
          .addColumn("createdBy", "text")
          .addColumn("createdAt", sql.raw(timestamp), (c) => c.notNull())
          .addColumn("expiresAt", sql.raw(timestamp))
          .addColumn("lastUsedAt", sql.raw(timestamp))
          .addColumn("revokedAt", sql.raw(timestamp))
          .execute();
        await db.schema
          .createIndex("api_key_organization_idx")
          .ifNotExists()
          .on("api_key")
          .column("organizationId")
          .execute();
        await db.schema
          .createTable("tenant_policy")
          .ifNotExists()
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("organizationId", "text", (c) =>
            c.notNull().references("organization.id").onDelete("cascade"),
          )
          .addColumn("description", "text")
          .addColumn("policy", "text", (c) => c.notNull())
          .addColumn("notice", "text")
          .addColumn("enabled", sql.raw(bool), (c) => c.notNull())
          .addColumn("priority", "integer", (c) => c.notNull())
          .addColumn("createdAt", sql.raw(timestamp), (c) => c.notNull())
          .addColumn("updatedAt", sql.raw(timestamp), (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("tenant_policy_organization_idx")
          .ifNotExists()
          .on("tenant_policy")
          .column("organizationId")
          .execute();
        // Bumped on every change of a tenant's rules, so every node notices and re-prepares its policy set.
        await db.schema
          .createTable("tenant_policy_version")
          .ifNotExists()
          .addColumn("organizationId", "text", (c) =>
            c.primaryKey().references("organization.id").onDelete("cascade"),
          )
          .addColumn("version", "integer", (c) => c.notNull())
          .execute();
      },
    },
    // A stable integer id per user, for dialects whose clients expect one (Hasura's `hasura_id`).
    "002_user_numeric_id": {
      async up(db: Kysely<Tables>) {
        if (dialect === "postgres") {
          await sql`ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "numericId" BIGSERIAL`.execute(db);
        } else {
          await sql`ALTER TABLE "user" ADD COLUMN "numericId" INTEGER`.execute(db);
          await sql`UPDATE "user" SET "numericId" = (
            SELECT COUNT(*) FROM "user" AS earlier
            WHERE earlier."createdAt" < "user"."createdAt"
               OR (earlier."createdAt" = "user"."createdAt" AND earlier."id" <= "user"."id"))`.execute(db);
          // SQLite has no sequences: number each new user after the highest number given so far.
          await sql`CREATE TRIGGER IF NOT EXISTS "user_numeric_id" AFTER INSERT ON "user"
            WHEN NEW."numericId" IS NULL
            BEGIN
              UPDATE "user" SET "numericId" = (SELECT COALESCE(MAX("numericId"), 0) + 1 FROM "user")
              WHERE "id" = NEW."id";
            END`.execute(db);
        }
        await db.schema
          .createIndex("user_numeric_id_idx")
          .ifNotExists()
          .unique()
          .on("user")
          .column("numericId")
          .execute();
      },
    },
    // The catalogue of platform-wide (global) roles created by admins; the built-in ones are not stored.
    "003_hasura_roles": {
      async up(db: Kysely<Tables>) {
        await db.schema
          .createTable("global_role")
          .ifNotExists()
          .addColumn("name", "text", (c) => c.primaryKey())
          .addColumn("createdAt", sql.raw(timestamp), (c) => c.notNull())
          .execute();
      },
    },
    // A tenant suspends a membership (`suspended`) without touching the account or its other memberships.
    "004_member_status": {
      async up(db: Kysely<Tables>) {
        await db.schema
          .alterTable("member")
          .addColumn("status", "text", (c) => c.notNull().defaultTo("active"))
          .execute();
      },
    },
    // The audit trail (src/identity/audit): append-only, each row chained to the previous one by `hash`. `seq`
    // is the chain order, given under the append lock, so it is dense and the head is the highest `seq`.
    "005_audit_event": {
      async up(db: Kysely<Tables>) {
        await db.schema
          .createTable("audit_event")
          .ifNotExists()
          .addColumn("seq", "bigint", (c) => c.primaryKey())
          .addColumn("id", "text", (c) => c.notNull().unique())
          .addColumn("occurredAt", sql.raw(timestamp), (c) => c.notNull())
          .addColumn("type", "text", (c) => c.notNull())
          .addColumn("actorType", "text")
          .addColumn("actorId", "text")
          .addColumn("subjectType", "text")
          .addColumn("subjectId", "text")
          .addColumn("tenantId", "text")
          .addColumn("ip", "text")
          .addColumn("userAgent", "text")
          .addColumn("details", "text")
          .addColumn("prevHash", "text", (c) => c.notNull())
          .addColumn("hash", "text", (c) => c.notNull())
          .execute();
        for (const column of ["tenantId", "type", "actorId", "subjectId", "occurredAt"]) {
          await db.schema
            .createIndex(`audit_event_${column}_idx`)
            .ifNotExists()
            .on("audit_event")
            .column(column)
            .execute();
        }
      },
    },
    // Cache invalidations that Redis could not take (src/platform/cache/invalidations-db.ts): kept until a node
    // that reaches Redis has applied them. `kind` is `delete` or `marker` (better-auth's revocation marker, whose
    // `value` and `ttlSeconds` are written again instead of deleted).
    "006_cache_invalidation": {
      async up(db: Kysely<Tables>) {
        await db.schema
          .createTable("cache_invalidation")
          .ifNotExists()
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("key", "text", (c) => c.notNull())
          .addColumn("kind", "text", (c) => c.notNull())
          .addColumn("value", "text")
          .addColumn("ttlSeconds", "integer")
          .addColumn("createdAt", sql.raw(timestamp), (c) => c.notNull())
          .execute();
      },
    },
    // Mail and SMS not yet handed to their provider (src/platform/mail/durable-queue.ts): a message is written
    // here before it is sent and deleted once sent, so a shutdown, a crash or a failing provider does not lose it.
    // `availableAt` is when a node may (re)try it. Also: indexes on the expiry columns that the cleanup of
    // expired rows (src/platform/db/cleanup.ts) scans, so that its batches do not read the whole table.
    "007_mail_outbox": {
      async up(db: Kysely<Tables>) {
        await db.schema
          .createTable("mail_outbox")
          .ifNotExists()
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("channel", "text", (c) => c.notNull())
          .addColumn("payload", "text", (c) => c.notNull())
          .addColumn("attempts", "integer", (c) => c.notNull())
          .addColumn("createdAt", sql.raw(timestamp), (c) => c.notNull())
          .addColumn("availableAt", sql.raw(timestamp), (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("mail_outbox_available_idx")
          .ifNotExists()
          .on("mail_outbox")
          .columns(["channel", "availableAt"])
          .execute();
        for (const table of ["session", "verification"]) {
          await db.schema
            .createIndex(`${table}_expires_at_idx`)
            .ifNotExists()
            .on(table)
            .column("expiresAt")
            .execute();
        }
      },
    },
    // OAuth clients (relying parties) of a tenant (src/identity/oauth-clients/). The secret is stored encrypted,
    // not hashed: the OpenID Provider needs the secret itself (it may sign with it, as HS256 ID tokens and
    // client_secret_jwt require). `secretHash` is its SHA-256, for constant-time comparisons without decrypting.
    // List columns hold JSON arrays; `jwks` a JSON object.
    "008_oauth_client": {
      async up(db: Kysely<Tables>) {
        await db.schema
          .createTable("oauth_client")
          .ifNotExists()
          .addColumn("clientId", "text", (c) => c.primaryKey())
          .addColumn("organizationId", "text", (c) =>
            c.notNull().references("organization.id").onDelete("cascade"),
          )
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("type", "text", (c) => c.notNull())
          .addColumn("secretEncrypted", "text")
          .addColumn("secretHash", "text")
          .addColumn("redirectUris", "text", (c) => c.notNull())
          .addColumn("postLogoutRedirectUris", "text", (c) => c.notNull())
          .addColumn("grantTypes", "text", (c) => c.notNull())
          .addColumn("scopes", "text", (c) => c.notNull())
          .addColumn("tokenEndpointAuthMethod", "text", (c) => c.notNull())
          .addColumn("jwks", "text")
          .addColumn("jwksUri", "text")
          .addColumn("firstParty", sql.raw(bool), (c) => c.notNull())
          .addColumn("createdAt", sql.raw(timestamp), (c) => c.notNull())
          .addColumn("updatedAt", sql.raw(timestamp), (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("oauth_client_organization_idx")
          .ifNotExists()
          .on("oauth_client")
          .columns(["organizationId", "createdAt"])
          .execute();
      },
    },
    // The OpenID Provider's state (src/http/oidc/adapter.ts): one row per oidc-provider model instance
    // (session, interaction, code, token, grant, signing key), keyed by model and id; grantId, uid, userCode and
    // accountId are copied out of the payload so revocation by grant or account is one indexed delete.
    "009_oidc_payload": {
      async up(db: Kysely<Tables>) {
        await db.schema
          .createTable("oidc_payload")
          .ifNotExists()
          .addColumn("model", "text", (c) => c.notNull())
          .addColumn("id", "text", (c) => c.notNull())
          .addColumn("payload", "text", (c) => c.notNull())
          .addColumn("grantId", "text")
          .addColumn("userCode", "text")
          .addColumn("uid", "text")
          .addColumn("accountId", "text")
          .addColumn("expiresAt", sql.raw(timestamp))
          .addColumn("consumedAt", sql.raw(timestamp))
          .addPrimaryKeyConstraint("oidc_payload_pk", ["model", "id"])
          .execute();
        for (const column of ["grantId", "uid", "userCode", "accountId", "expiresAt"]) {
          await db.schema
            .createIndex(`oidc_payload_${column}_idx`)
            .ifNotExists()
            .on("oidc_payload")
            .column(column)
            .execute();
        }
      },
    },
    // User lists at a million accounts (src/identity/accounts/queries.ts): every sort of the lists walks an index
    // in order (the id breaks ties, as the queries do), and the e-mail and name prefixes that better-auth's
    // admin list-users matches with a plain LIKE have an index that LIKE can use on each dialect.
    "011_user_list_indexes": {
      async up(db: Kysely<Tables>) {
        for (const column of ["createdAt", "username", "lastLoginAt"]) {
          await db.schema
            .createIndex(`user_${column}_id_idx`)
            .ifNotExists()
            .on("user")
            .columns([column, "id"])
            .execute();
        }
        // The few pending, disabled and banned accounts, counted by GeoLens's status filters from the index
        // alone (each holds every column the status rule reads: src/identity/accounts/status.ts).
        await db.schema
          .createIndex("user_status_idx")
          .ifNotExists()
          .on("user")
          .columns(["status", "banned", "banExpires"])
          .execute();
        await db.schema
          .createIndex("user_banned_idx")
          .ifNotExists()
          .on("user")
          .columns(["banned", "banExpires", "status"])
          .execute();
        await db.schema
          .createIndex("member_userId_organizationId_idx")
          .ifNotExists()
          .on("member")
          .columns(["userId", "organizationId"])
          .execute();
        if (dialect === "sqlite") {
          // SQLite's LIKE ignores case, so only an index in NOCASE order serves `LIKE 'prefix%'`.
          for (const column of ["email", "name"]) {
            await sql`CREATE INDEX IF NOT EXISTS ${sql.id(`user_${column}_nocase_idx`)}
              ON "user" (${sql.id(column)} COLLATE NOCASE)`.execute(db);
          }
          await createSearchTable(db);
          return;
        }
        for (const column of ["email", "name"]) {
          await sql`CREATE INDEX IF NOT EXISTS ${sql.id(`user_${column}_pattern_idx`)}
            ON "user" (${sql.id(column)} text_pattern_ops)`.execute(db);
        }
        await createTrigramIndexes(db);
        await createUserCount(db);
      },
    },
    // The number of accounts on SQLite too: counting a million rows there costs 20–50 ms even from the smallest
    // index, on every GeoLens page and better-auth admin list-users answer (src/auth/plugins/list-users.ts).
    "012_user_count_sqlite": {
      async up(db: Kysely<Tables>) {
        if (dialect === "sqlite") await createSqliteUserCount(db);
      },
    },
    // The last-owner and last-admin checks (src/auth/last-owner-guard.ts) read a tenant's owners and the
    // platform's admins on every change that could end one: without these they read every member of the tenant
    // (a million in `default`, ~300 ms on SQLite, taken twice by each change and at every start) or every account.
    // Partial indexes of the few rows whose roles may hold the word; the checks repeat the predicate literally.
    "013_holder_indexes": {
      async up(db: Kysely<Tables>) {
        await sql`CREATE INDEX IF NOT EXISTS member_owner_idx ON "member" ("organizationId")
          WHERE "role" like '%owner%'`.execute(db);
        await sql`CREATE INDEX IF NOT EXISTS user_admin_idx ON "user" ("id") WHERE "role" like '%admin%'`.execute(
          db,
        );
      },
    },
    // The session cap's surplus query (src/auth/session-cap.ts) runs on every sign-in: a user's sessions newest
    // first. On better-auth's index of `userId` alone both databases read all of them and sort; in this order
    // they are walked from the newest (at the cap of 100, SQLite: 64 µs against 30 µs, measured).
    "014_session_user_created_index": {
      async up(db: Kysely<Tables>) {
        await sql`CREATE INDEX IF NOT EXISTS session_user_created_idx ON "session" ("userId", "createdAt")`.execute(
          db,
        );
      },
    },
  };
}

/** The names of Gatehouse's own migrations, in order: what a current schema has recorded (src/auth/migrate.ts). */
export function ownMigrationNames(dialect: Dialect): string[] {
  return Object.keys(migrations(dialect));
}

/**
 * SQLite's substring search index (src/identity/accounts/search.ts): an FTS5 trigram table with its own copy of
 * the searched columns, keyed by the user's numericId (stable, unlike the rowid of a table without an INTEGER
 * PRIMARY KEY, which VACUUM may renumber). Triggers keep it current; the numericId trigger of migration 002 fills
 * the id by an UPDATE, which the update trigger sees. Filled once here from the existing users.
 */
async function createSearchTable(db: Kysely<Tables>): Promise<void> {
  await sql`CREATE VIRTUAL TABLE IF NOT EXISTS user_search
    USING fts5(email, name, username, phoneNumber, tokenize = 'trigram')`.execute(db);
  const insertNew = sql`INSERT INTO user_search (rowid, email, name, username, phoneNumber)
    SELECT NEW."numericId", NEW.email, NEW.name, NEW.username, NEW."phoneNumber" WHERE NEW."numericId" IS NOT NULL`;
  await sql`CREATE TRIGGER IF NOT EXISTS user_search_insert AFTER INSERT ON "user"
    BEGIN ${insertNew}; END`.execute(db);
  await sql`CREATE TRIGGER IF NOT EXISTS user_search_update
    AFTER UPDATE OF email, name, username, "phoneNumber", "numericId" ON "user"
    BEGIN DELETE FROM user_search WHERE rowid = OLD."numericId"; ${insertNew}; END`.execute(db);
  await sql`CREATE TRIGGER IF NOT EXISTS user_search_delete AFTER DELETE ON "user"
    BEGIN DELETE FROM user_search WHERE rowid = OLD."numericId"; END`.execute(db);
  await sql`INSERT INTO user_search (rowid, email, name, username, phoneNumber)
    SELECT "numericId", email, name, username, "phoneNumber" FROM "user"
    WHERE "numericId" IS NOT NULL AND "numericId" NOT IN (SELECT rowid FROM user_search)`.execute(db);
}

/**
 * PostgreSQL counts a million rows in about a tenth of a second (SQLite in a few milliseconds, from its smallest
 * index), and GeoLens's list answers a total on every page: the number of accounts is kept in one row by a
 * trigger instead (read by src/identity/accounts/queries.ts). Sign-ups then take that row's lock for the rest of
 * their transaction, which is short.
 */
async function createUserCount(db: Kysely<Tables>): Promise<void> {
  await sql`CREATE TABLE IF NOT EXISTS user_count (id integer PRIMARY KEY CHECK (id = 1), n bigint NOT NULL)`.execute(
    db,
  );
  await sql`INSERT INTO user_count (id, n) SELECT 1, count(*) FROM "user" ON CONFLICT (id) DO NOTHING`.execute(
    db,
  );
  await sql`CREATE OR REPLACE FUNCTION user_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE user_count SET n = n + CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END WHERE id = 1;
      RETURN NULL;
    END $$`.execute(db);
  await sql`DROP TRIGGER IF EXISTS user_count_change ON "user"`.execute(db);
  await sql`CREATE TRIGGER user_count_change AFTER INSERT OR DELETE ON "user"
    FOR EACH ROW EXECUTE FUNCTION user_count_change()`.execute(db);
}

/**
 * SQLite's twin of createUserCount: the same one-row table, kept by triggers (which run inside the statement's
 * transaction, as SQLite has one writer at a time). Read by src/identity/accounts/queries.ts (userCount).
 */
async function createSqliteUserCount(db: Kysely<Tables>): Promise<void> {
  await sql`CREATE TABLE IF NOT EXISTS user_count (id integer PRIMARY KEY CHECK (id = 1), n integer NOT NULL)`.execute(
    db,
  );
  await sql`INSERT OR REPLACE INTO user_count (id, n) SELECT 1, count(*) FROM "user"`.execute(db);
  await sql`CREATE TRIGGER IF NOT EXISTS user_count_insert AFTER INSERT ON "user"
    BEGIN UPDATE user_count SET n = n + 1 WHERE id = 1; END`.execute(db);
  await sql`CREATE TRIGGER IF NOT EXISTS user_count_delete AFTER DELETE ON "user"
    BEGIN UPDATE user_count SET n = n - 1 WHERE id = 1; END`.execute(db);
}

/**
 * Substring search (`q`, GeoLens `search`, better-auth `contains`) over a million users needs trigram indexes:
 * pg_trgm ships with PostgreSQL but may not be installable by this role. Installed in `public` (never in a
 * deployment's own schema, whose drop would take other schemas' indexes with it), skipped when refused:
 * searches then still work, by a scan. Each step runs in a DO block, whose exception handler keeps the
 * migration's transaction usable.
 */
async function createTrigramIndexes(db: Kysely<Tables>): Promise<void> {
  await sql`DO $$ BEGIN
      CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
    EXCEPTION WHEN OTHERS THEN
      RAISE NOTICE 'pg_trgm not available (%): substring search runs without an index', SQLERRM;
    END $$`.execute(db);
  await sql`DO $$ DECLARE
      ops text;
      col text;
    BEGIN
      SELECT quote_ident(n.nspname) || '.gin_trgm_ops' INTO ops
        FROM pg_opclass c JOIN pg_namespace n ON n.oid = c.opcnamespace
        WHERE c.opcname = 'gin_trgm_ops' LIMIT 1;
      IF ops IS NULL THEN RETURN; END IF;
      FOREACH col IN ARRAY ARRAY['email', 'name', 'username', 'phoneNumber'] LOOP
        EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON "user" USING gin (%I %s)', 'user_' || col || '_trgm_idx', col, ops);
      END LOOP;
    END $$`.execute(db);
}

export async function runOwnMigrations(db: Kysely<Tables>, dialect: Dialect): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  // Kysely looks for its bookkeeping tables in every schema unless told which one: name the one in use, so a
  // second deployment (or test run) in another schema of the same database is not mistaken for this one.
  const schema =
    dialect === "postgres"
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: "gatehouse_migration",
    migrationLockTableName: "gatehouse_migration_lock",
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === "Error")?.migrationName;
    throw new Error(
      `migration ${failed ?? "?"} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
