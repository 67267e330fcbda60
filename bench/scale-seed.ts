/**
 * Bulk seeding for `npm run bench:scale` (bench/scale.ts): users, their password accounts, tenants and
 * memberships generated inside the database (one INSERT … SELECT per table over a generated series), so a million
 * users take seconds to a few minutes rather than a million round trips. Every user has the same pre-hashed
 * password; the rows look like what Gatehouse writes itself (placeholder-free e-mails, lower-case usernames,
 * ISO dates on SQLite, uuid-shaped ids because the /v1 wire schema says `format: uuid`).
 *
 * Data shape: user n (1-based) is `first.last.n@example.com`, username `usern`, phone `+1555` + n in 8 digits,
 * name from 20 first × 50 last names; one user in 50 is pending, one in 97 disabled (spread by a hash). Every user is a member of
 * `default` (role `user`) and of tenant `t<(n mod tenants) + 1>` (every 25th member there an `admin`). User 1 is
 * the platform admin the bench signs in as.
 */
import type { Database } from "bun:sqlite";
import type { Pool } from "pg";

export const FIRST_NAMES = [
  "Ada",
  "Alan",
  "Grace",
  "Edsger",
  "Barbara",
  "Donald",
  "Frances",
  "John",
  "Margaret",
  "Ken",
  "Radia",
  "Dennis",
  "Hedy",
  "Tim",
  "Katherine",
  "Linus",
  "Shafi",
  "Niklaus",
  "Sophie",
  "Leslie",
];
export const LAST_NAMES = [
  "Lovelace",
  "Turing",
  "Hopper",
  "Dijkstra",
  "Liskov",
  "Knuth",
  "Allen",
  "McCarthy",
  "Hamilton",
  "Thompson",
  "Perlman",
  "Ritchie",
  "Lamarr",
  "Berners",
  "Johnson",
  "Torvalds",
  "Goldwasser",
  "Wirth",
  "Wilson",
  "Lamport",
  "Backus",
  "Codd",
  "Kay",
  "Hoare",
  "Milner",
  "Stroustrup",
  "Rossum",
  "Gosling",
  "Pike",
  "Kernighan",
  "Cerf",
  "Kahn",
  "Engelbart",
  "Sutherland",
  "Shannon",
  "Neumann",
  "Babbage",
  "Boole",
  "Church",
  "Godel",
  "Hellman",
  "Diffie",
  "Rivest",
  "Shamir",
  "Adleman",
  "Tarjan",
  "Karp",
  "Cook",
  "Valiant",
  "Yao",
];

export const USER_ID_PREFIX = "00000000-0000-4000-8000-";
export const TENANT_ID_PREFIX = "00000000-0000-4000-9000-";

export interface SeedPlan {
  readonly users: number;
  readonly tenants: number;
  readonly passwordHash: string;
  readonly defaultTenantId: string;
}

/** The id of user n, as both databases generate it. */
export function userId(n: number): string {
  return `${USER_ID_PREFIX}${String(n).padStart(12, "0")}`;
}

export function userEmail(n: number): string {
  const first = FIRST_NAMES[n % FIRST_NAMES.length] as string;
  const last = LAST_NAMES[Math.floor(n / FIRST_NAMES.length) % LAST_NAMES.length] as string;
  return `${first.toLowerCase()}.${last.toLowerCase()}.${n}@example.com`;
}

export function userPhone(n: number): string {
  return `+1555${String(n).padStart(8, "0")}`;
}

/** Name tables joined by position: `(n mod 20)` and `(n div 20) mod 50`, the same on both databases. */
function nameRows(): { first: string; last: string } {
  const first = FIRST_NAMES.map((name, i) => `(${i}, '${name}')`).join(", ");
  const last = LAST_NAMES.map((name, i) => `(${i}, '${name}')`).join(", ");
  return { first, last };
}

/**
 * A multiplicative hash of n modulo a prime: statuses drawn from it are independent of the names (which follow
 * n mod 20 and n div 20), so no sort order of the lists meets the pending or disabled users in clusters.
 */
function spreadHash(n: string): string {
  return `((${n} * 2654435761) % 1000003)`;
}

// The seed runs in batches so that one statement's temporary state stays small and progress can be printed.
const BATCH = 100_000;

// Secondary indexes, the search table's triggers and its rows are set aside while seeding and built once at the
// end, as a bulk load would: several times faster than maintaining them row by row.
const SEEDED_TABLES = ["user", "account", "member"];

export async function seedSqlite(db: Database, plan: SeedPlan, progress: (line: string) => void) {
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = OFF");
  const deferred = db
    .query(
      `SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND type IN ('index', 'trigger')
        AND tbl_name IN (${SEEDED_TABLES.map((t) => `'${t}'`).join(", ")}) AND name != 'user_numeric_id_idx'`,
    )
    .all() as { type: string; name: string; sql: string }[];
  for (const item of deferred) db.exec(`DROP ${item.type.toUpperCase()} "${item.name}"`);
  const names = nameRows();
  db.exec(`CREATE TEMP TABLE bench_first (i INTEGER PRIMARY KEY, name TEXT); INSERT INTO bench_first VALUES ${names.first};
    CREATE TEMP TABLE bench_last (i INTEGER PRIMARY KEY, name TEXT); INSERT INTO bench_last VALUES ${names.last};`);
  const date = (n: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', 1735689600 + ${n} * 30, 'unixepoch')`;
  const uid = (n: string) => `'${USER_ID_PREFIX}' || printf('%012d', ${n})`;
  const tid = (n: string) => `'${TENANT_ID_PREFIX}' || printf('%012d', ${n})`;
  db.transaction(() => {
    db.exec(`WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${plan.tenants})
      INSERT INTO organization (id, name, slug, createdAt)
      SELECT ${tid("n")}, 'Tenant ' || n, 't' || n, ${date("n")} FROM s`);
  })();
  for (let from = 1; from <= plan.users; from += BATCH) {
    const to = Math.min(plan.users, from + BATCH - 1);
    const series = `WITH RECURSIVE s(n) AS (SELECT ${from} UNION ALL SELECT n + 1 FROM s WHERE n < ${to})`;
    db.transaction(() => {
      db.exec(`${series}
        INSERT INTO "user" (id, name, email, emailVerified, createdAt, updatedAt, role, banned, username,
          displayUsername, twoFactorEnabled, phoneNumber, phoneNumberVerified, status, authProvider, numericId)
        SELECT ${uid("n")}, f.name || ' ' || l.name,
          lower(f.name) || '.' || lower(l.name) || '.' || n || '@example.com', 1, ${date("n")}, ${date("n")},
          CASE WHEN n = 1 THEN 'admin' ELSE 'user' END, 0, 'user' || n, 'User' || n, 0,
          '+1555' || printf('%08d', n), 0,
          CASE WHEN ${spreadHash("n")} % 97 = 0 THEN 'disabled' WHEN ${spreadHash("n")} % 50 = 1 THEN 'pending'
            ELSE 'active' END, 'local', n
        FROM s JOIN bench_first f ON f.i = n % 20 JOIN bench_last l ON l.i = (n / 20) % 50`);
      db.prepare(`${series}
        INSERT INTO account (id, accountId, providerId, userId, password, createdAt, updatedAt)
        SELECT 'a' || n, ${uid("n")}, 'credential', ${uid("n")}, ?, ${date("n")}, ${date("n")} FROM s`).run(
        plan.passwordHash,
      );
      db.prepare(`${series}
        INSERT INTO member (id, organizationId, userId, role, createdAt, status)
        SELECT 'md' || n, ?, ${uid("n")}, 'user', ${date("n")}, 'active' FROM s`).run(plan.defaultTenantId);
      db.exec(`${series}
        INSERT INTO member (id, organizationId, userId, role, createdAt, status)
        SELECT 'mt' || n, ${tid(`(n % ${plan.tenants}) + 1`)}, ${uid("n")},
          CASE WHEN n % 25 = 0 THEN 'admin' ELSE 'user' END, ${date("n")}, 'active' FROM s`);
    })();
    progress(`  seeded ${to} users`);
  }
  progress("  building indexes and the search table");
  db.exec(`INSERT INTO user_search (rowid, email, name, username, phoneNumber)
    SELECT "numericId", email, name, username, "phoneNumber" FROM "user"`);
  for (const item of deferred) db.exec(item.sql);
  // The account counter of migration 012 lost its triggers while seeding, as the search table did.
  db.exec('UPDATE user_count SET n = (SELECT count(*) FROM "user") WHERE id = 1');
  // No ANALYZE: Gatehouse never runs it, so the planner sees what it sees in a deployment.
}

export async function seedPostgres(pool: Pool, plan: SeedPlan, progress: (line: string) => void) {
  const names = nameRows();
  const date = (n: string) => `(timestamptz '2025-01-01 00:00:00+00' + ${n} * interval '30 seconds')`;
  const uid = (n: string) => `'${USER_ID_PREFIX}' || lpad((${n})::text, 12, '0')`;
  const tid = (n: string) => `'${TENANT_ID_PREFIX}' || lpad((${n})::text, 12, '0')`;
  const client = await pool.connect();
  try {
    const deferred = (
      await client.query(
        `SELECT i.indexname, i.indexdef FROM pg_indexes i
          WHERE i.schemaname = current_schema() AND i.tablename = ANY($1)
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
        [SEEDED_TABLES],
      )
    ).rows as { indexname: string; indexdef: string }[];
    for (const index of deferred) await client.query(`DROP INDEX "${index.indexname}"`);
    // The account counter of migration 011 is set once at the end rather than updated a million times.
    await client.query('ALTER TABLE "user" DISABLE TRIGGER user_count_change');
    await client.query(`CREATE TEMP TABLE bench_first (i int PRIMARY KEY, name text);
      INSERT INTO bench_first VALUES ${names.first};
      CREATE TEMP TABLE bench_last (i int PRIMARY KEY, name text);
      INSERT INTO bench_last VALUES ${names.last};`);
    await client.query(`INSERT INTO organization (id, name, slug, "createdAt")
      SELECT ${tid("n")}, 'Tenant ' || n, 't' || n, ${date("n")} FROM generate_series(1, ${plan.tenants}) n`);
    for (let from = 1; from <= plan.users; from += BATCH) {
      const to = Math.min(plan.users, from + BATCH - 1);
      const series = `generate_series(${from}, ${to}) n`;
      await client.query("BEGIN");
      await client.query(`INSERT INTO "user" (id, name, email, "emailVerified", "createdAt", "updatedAt", role,
          banned, username, "displayUsername", "twoFactorEnabled", "phoneNumber", "phoneNumberVerified", status,
          "authProvider", "numericId")
        SELECT ${uid("n")}, f.name || ' ' || l.name,
          lower(f.name) || '.' || lower(l.name) || '.' || n || '@example.com', true, ${date("n")}, ${date("n")},
          CASE WHEN n = 1 THEN 'admin' ELSE 'user' END, false, 'user' || n, 'User' || n, false,
          '+1555' || lpad(n::text, 8, '0'), false,
          CASE WHEN ${spreadHash("n")} % 97 = 0 THEN 'disabled' WHEN ${spreadHash("n")} % 50 = 1 THEN 'pending'
            ELSE 'active' END, 'local', n
        FROM ${series} JOIN bench_first f ON f.i = n % 20 JOIN bench_last l ON l.i = (n / 20) % 50`);
      await client.query(
        `INSERT INTO account (id, "accountId", "providerId", "userId", password, "createdAt", "updatedAt")
        SELECT 'a' || n, ${uid("n")}, 'credential', ${uid("n")}, $1, ${date("n")}, ${date("n")} FROM ${series}`,
        [plan.passwordHash],
      );
      await client.query(
        `INSERT INTO member (id, "organizationId", "userId", role, "createdAt", status)
        SELECT 'md' || n, $1, ${uid("n")}, 'user', ${date("n")}, 'active' FROM ${series}`,
        [plan.defaultTenantId],
      );
      await client.query(`INSERT INTO member (id, "organizationId", "userId", role, "createdAt", status)
        SELECT 'mt' || n, ${tid(`(n % ${plan.tenants}) + 1`)}, ${uid("n")},
          CASE WHEN n % 25 = 0 THEN 'admin' ELSE 'user' END, ${date("n")}, 'active' FROM ${series}`);
      await client.query("COMMIT");
      progress(`  seeded ${to} users`);
    }
    progress("  building indexes");
    for (const index of deferred) await client.query(index.indexdef);
    await client.query('UPDATE user_count SET n = (SELECT count(*) FROM "user") WHERE id = 1');
    await client.query('ALTER TABLE "user" ENABLE TRIGGER user_count_change');
    // The numericId sequence must continue after the seeded ids, as it would after real sign-ups.
    await client.query(`SELECT setval(pg_get_serial_sequence('"user"', 'numericId'), ${plan.users})`);
    await client.query('VACUUM ANALYZE "user", account, member, organization');
  } finally {
    client.release();
  }
}
