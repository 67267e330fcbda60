/**
 * The cleanup of expired rows (src/platform/db/cleanup.ts), on the real app's database: expired sessions and
 * verifications are deleted — more than one batch of them — and live ones stay and keep working.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createTestApp, type TestApp } from "../../../test/helpers/test-app.ts";
import { dateParam } from "./values.ts";

let t: TestApp;
beforeAll(async () => {
  // The schedule is off: the test runs the pass itself.
  t = await createTestApp({ env: { CLEANUP_INTERVAL_SECONDS: "0" } });
});
afterAll(() => t.close());

const HOUR_MS = 60 * 60 * 1000;
// More than one batch (1000), so that the batching loop is exercised.
const EXPIRED_SESSIONS = 2500;

async function signUp(email: string): Promise<{ token: string; userId: string }> {
  const response = await t.request("/api/auth/sign-up/email", {
    json: { email, password: "cleanup-password-1", name: "Cleanup" },
  });
  const body = (await response.json()) as { token: string; user: { id: string } };
  expect(response.status).toBe(200);
  return { token: body.token, userId: body.user.id };
}

async function count(table: string): Promise<number> {
  const row = await t.deps.db.kysely
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

describe("cleanup of expired rows", () => {
  it("deletes expired sessions and verifications in batches and keeps live ones", async () => {
    const { dialect, kysely } = t.deps.db;
    const live = await signUp("live@cleanup.test");
    const { userId } = await signUp("stale@cleanup.test");
    const past = dateParam(dialect, new Date(Date.now() - HOUR_MS));
    const future = dateParam(dialect, new Date(Date.now() + HOUR_MS));
    const rows = Array.from({ length: EXPIRED_SESSIONS }, (_, i) => ({
      id: `expired-session-${i}`,
      token: `expired-token-${i}`,
      userId,
      expiresAt: past,
      createdAt: past,
      updatedAt: past,
    }));
    for (let i = 0; i < rows.length; i += 500) {
      await kysely
        .insertInto("session")
        .values(rows.slice(i, i + 500))
        .execute();
    }
    const verification = (id: string, expiresAt: Date | string) => ({
      id,
      identifier: `cleanup-${id}`,
      value: "x",
      expiresAt,
      createdAt: past,
      updatedAt: past,
    });
    await kysely
      .insertInto("verification")
      .values([verification("old-1", past), verification("old-2", past), verification("fresh", future)])
      .execute();
    const sessionsBefore = await count("session");
    const verificationsBefore = await count("verification");

    const counts = await t.deps.cleanup.runOnce();

    expect(counts).toEqual({ session: EXPIRED_SESSIONS, verification: 2 });
    expect(await count("session")).toBe(sessionsBefore - EXPIRED_SESSIONS);
    expect(await count("verification")).toBe(verificationsBefore - 2);
    const fresh = await kysely
      .selectFrom("verification")
      .select("id")
      .where("id", "=", "fresh")
      .executeTakeFirst();
    expect(fresh?.id).toBe("fresh");
    const session = await t.request("/api/auth/get-session", { token: live.token });
    expect(((await session.json()) as { user?: { email?: string } }).user?.email).toBe("live@cleanup.test");

    // Nothing left to do: a second pass deletes nothing.
    expect(await t.deps.cleanup.runOnce()).toEqual({ session: 0, verification: 0 });
  });

  it("leaves expired verifications to the scheduled pass: a request that looks one up deletes none", async () => {
    const { dialect, kysely } = t.deps.db;
    const past = dateParam(dialect, new Date(Date.now() - HOUR_MS));
    await kysely
      .insertInto("verification")
      .values({
        id: "expired-kept",
        identifier: "cleanup-kept",
        value: "x",
        expiresAt: past,
        createdAt: past,
        updatedAt: past,
      })
      .execute();

    // A reset with an unknown token looks its verification up (better-auth's findVerificationValue).
    const reset = await t.request("/api/auth/reset-password", {
      json: { token: "no-such-token", newPassword: "cleanup-password-2" },
    });
    expect(reset.status).toBe(400);

    const kept = await kysely
      .selectFrom("verification")
      .select("id")
      .where("id", "=", "expired-kept")
      .executeTakeFirst();
    expect(kept?.id).toBe("expired-kept");
    expect(await t.deps.cleanup.runOnce()).toEqual({ session: 0, verification: 1 });
  });
});
