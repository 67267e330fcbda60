/**
 * Shared by the create races (test/races/create-*.test.ts): fire N requests at once that create one identifier,
 * and read back what the database holds for it. Each race runs TRIALS times: on PostgreSQL the losers' inserts
 * meet the winner's row at the unique index only when the requests really overlap, and one trial may not.
 */
import type { TestApp } from "../helpers/test-app.ts";

/** Trials per race (issue 11 asks for 20). */
export const TRIALS = 20;
/** Requests per trial: enough to overlap on a 10-connection pool, few enough to keep a file well under 30 s. */
export const PARALLEL = 6;

export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** Sends `PARALLEL` requests at once (`send(i)` builds the i-th) and returns every answer. */
export async function race(send: (i: number) => Promise<Response>): Promise<Answer[]> {
  const responses = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => send(i)));
  return Promise.all(
    responses.map(async (response) => ({
      status: response.status,
      body: (await response.json().catch(() => ({}))) as Record<string, unknown>,
    })),
  );
}

/** How many answers had each status, e.g. { 201: 1, 409: 5 }. */
export function statusCounts(answers: readonly Answer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

export interface StoredAccount {
  readonly id: string;
  /** Whether it has a credential (password) account. */
  readonly hasPassword: boolean;
  /** Whether it is a member of the `default` tenant. */
  readonly inDefault: boolean;
}

/** The user rows holding the identifier, each with its password account and `default` membership. */
export async function storedAccounts(
  t: TestApp,
  column: "email" | "username" | "phoneNumber",
  value: string,
): Promise<StoredAccount[]> {
  const db = t.deps.db.kysely;
  const users = await db.selectFrom("user").select("id").where(column, "=", value).execute();
  return Promise.all(
    users.map(async ({ id }) => {
      const credential = await db
        .selectFrom("account")
        .select("id")
        .where("userId", "=", id)
        .where("providerId", "=", "credential")
        .executeTakeFirst();
      const membership = await db
        .selectFrom("member as m")
        .innerJoin("organization as o", "o.id", "m.organizationId")
        .select("m.id")
        .where("m.userId", "=", id)
        .where("o.slug", "=", "default")
        .executeTakeFirst();
      return { id: String(id), hasPassword: credential !== undefined, inDefault: membership !== undefined };
    }),
  );
}

/**
 * A race test's time limit: TRIALS × PARALLEL creates, each hashing a password. The slowest (Hasura's sign-up,
 * which also signs in) takes ~14 s here; twice that leaves room for a loaded machine.
 */
export const RACE_TIMEOUT_MS = 30_000;
