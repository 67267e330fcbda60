/**
 * MAX_SESSIONS_PER_USER (src/auth/session-cap.ts): one sign-in more than the cap leaves exactly the cap, the
 * oldest session gone from the database and refused, the newer ones still working, and the revocation in the
 * audit trail. The query that finds the surplus walks the user's sessions newest first along their index
 * (migration 014), with no sort.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import type { Kysely } from "kysely";
import { planOf } from "../../test/helpers/query-plan.ts";
import { createTestApp, type TestApp } from "../../test/helpers/test-app.ts";
import type { Tables } from "../platform/db/index.ts";
import { dateParam } from "../platform/db/values.ts";
import { surplusSessions } from "./session-cap.ts";

const CAP = 3;
const PASSWORD = "session-cap-password-1";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { MAX_SESSIONS_PER_USER: String(CAP) } });
});
afterAll(() => t.close());

async function signedInEmail(token: string): Promise<string | null> {
  const response = await t.request("/api/auth/get-session", { token });
  const body = (await response.json()) as { user?: { email?: string } } | null;
  return body?.user?.email ?? null;
}

async function sessionTokensOf(email: string): Promise<string[]> {
  const rows = await t.deps.db.kysely
    .selectFrom("session")
    .innerJoin("user", "user.id", "session.userId")
    .select("session.token")
    .where("user.email", "=", email)
    .execute();
  return rows.map((row) => String(row.token));
}

async function signUp(email: string): Promise<string> {
  const response = await t.request("/api/auth/sign-up/email", {
    json: { email, password: PASSWORD, name: "Capped" },
  });
  const body = (await response.json()) as { token?: string };
  if (!response.ok || !body.token) throw new Error(`sign-up of ${email}: ${JSON.stringify(body)}`);
  return body.token;
}

describe("MAX_SESSIONS_PER_USER", () => {
  it("revokes the oldest session when one sign-in more than the cap opens a new one", async () => {
    const email = "capped@sessions.test";
    // The sign-up's own session is the oldest.
    const tokens = [await signUp(email)];
    for (let i = 1; i < CAP; i++) tokens.push(await t.signIn(email, PASSWORD));
    expect((await sessionTokensOf(email)).sort()).toEqual([...tokens].sort());

    const newest = await t.signIn(email, PASSWORD);
    const [oldest, ...kept] = tokens;
    const stored = await sessionTokensOf(email);
    expect(stored).toHaveLength(CAP);
    expect(stored.sort()).toEqual([...kept, newest].sort());

    expect(await signedInEmail(oldest ?? "")).toBeNull();
    for (const token of [...kept, newest]) expect(await signedInEmail(token)).toBe(email);
    // Refused on the native API too, where the principal is resolved from the same session.
    expect((await t.request("/v1/users?limit=1", { token: oldest ?? "" })).status).toBe(401);
    expect((await t.request("/v1/users?limit=1", { token: newest })).status).not.toBe(401);

    const events = await t.deps.db.kysely
      .selectFrom("audit_event")
      .select(["type", "subjectId", "details"])
      .where("type", "=", "session.revoked")
      .execute();
    expect(events).toHaveLength(1);
    expect(JSON.parse(String(events[0]?.details))).toMatchObject({ reason: "session_limit", sessions: 1 });
  });

  it("keeps the count at the cap however many sign-ins follow", async () => {
    const email = "many@sessions.test";
    await signUp(email);
    let newest = "";
    for (let i = 0; i < CAP * 3; i++) newest = await t.signIn(email, PASSWORD);
    const stored = await sessionTokensOf(email);
    expect(stored).toHaveLength(CAP);
    expect(stored).toContain(newest);
    expect(await signedInEmail(newest)).toBe(email);
  });

  it("counts each user on their own", async () => {
    const email = "other@sessions.test";
    const token = await signUp(email);
    expect(await sessionTokensOf(email)).toEqual([token]);
    expect(await signedInEmail(token)).toBe(email);
  });

  it("finds the surplus along the user's sessions newest first, without sorting them", async () => {
    const now = dateParam(t.deps.db.dialect, new Date());
    const query = surplusSessions(t.deps.db.kysely as Kysely<Tables>, CAP, "some-user", "new-token", now);
    const plan = await planOf(t, query.compile());
    expect(plan).toContain("session_user_created_idx");
    expect(plan).not.toMatch(/TEMP B-TREE|Sort/);
  });
});
