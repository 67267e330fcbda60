/**
 * Issue 11 item 5: every single-use secret is consumed atomically. PARALLEL requests present one secret at once
 * — an e-mail verification link, a reset link, an invitation, a backup code — TRIALS times each: exactly one
 * wins, the others get the surface's refusal (never a 500), and the database shows one effect (one session, one
 * password change, one membership, one code used). On SQLite and (with TEST_DATABASE_URL) on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { dateParam } from "../../src/platform/db/values.ts";
import { linkIn } from "../helpers/smtp-peer.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";
import { call, createTenant, PASSWORD, signUp } from "../helpers/v1.ts";

const TRIALS = 20;
const PARALLEL = 8;
const RACE_TIMEOUT_MS = 60_000;

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

interface Outcome {
  readonly status: number;
  readonly code?: string;
  readonly location?: string;
}

async function outcome(response: Response): Promise<Outcome> {
  const location = response.headers.get("location");
  const body = (await response.json().catch(() => null)) as { code?: string } | null;
  return {
    status: response.status,
    ...(body?.code ? { code: body.code } : {}),
    ...(location ? { location } : {}),
  };
}

/** Exactly one `winner` among the outcomes, every other one `refusal`. */
function expectOneWinner(outcomes: Outcome[], winner: number, refusal: Outcome): void {
  expect(outcomes.filter((o) => o.status === winner)).toHaveLength(1);
  expect(outcomes.filter((o) => o.status !== winner)).toEqual(Array(outcomes.length - 1).fill(refusal));
}

const times = <T>(n: number, make: () => Promise<T>) => Promise.all(Array.from({ length: n }, make));

async function sessionCount(userId: string): Promise<number> {
  return (await t.deps.db.kysely.selectFrom("session").select("id").where("userId", "=", userId).execute())
    .length;
}

function mailTo(email: string, path: string) {
  return t.smtp.waitFor((mail) => mail.to.includes(email) && mail.text.includes(`/api/auth${path}`));
}

describe("one secret, many requests at once", () => {
  it(
    "GET /api/auth/verify-email with one link: one verifies and signs in, the rest are sent to ?error=INVALID_TOKEN",
    async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const user = await signUp(t, "Verifier");
        const link = linkIn(await mailTo(user.email, "/verify-email?token="), `${t.baseUrl}/api/auth`);
        const path = link.slice(t.baseUrl.length);
        const before = await sessionCount(user.id);
        const outcomes = await times(PARALLEL, () => t.request(path).then(outcome));
        // The mailed link carries a callback URL: better-auth answers with redirects, a refusal's naming the error.
        // The mailed link names the page it lands on (its callbackURL): the winner goes there, the rest with the error.
        const page = new URL(link).searchParams.get("callbackURL") ?? "";
        expect(page).toStartWith("/");
        expect(outcomes.filter((o) => o.location === page)).toHaveLength(1);
        expect(outcomes.filter((o) => o.location !== page)).toEqual(
          Array(PARALLEL - 1).fill({ status: 302, location: `${page}?error=INVALID_TOKEN` }),
        );
        expect(await sessionCount(user.id)).toBe(before + 1);
      }
    },
    RACE_TIMEOUT_MS,
  );

  it(
    "POST /api/auth/reset-password with one token: one 200, the rest 400 INVALID_TOKEN, the token row gone",
    async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const user = await signUp(t, "Resetter");
        const asked = await t.request("/api/auth/request-password-reset", {
          json: { email: user.email, redirectTo: "/reset" },
        });
        expect(asked.status).toBe(200);
        const link = linkIn(await mailTo(user.email, "/reset-password/"), `${t.baseUrl}/api/auth`);
        const token = new URL(link).pathname.split("/").at(-1) ?? "";
        const outcomes = await times(PARALLEL, () =>
          t
            .request("/api/auth/reset-password", { json: { token, newPassword: `new-${PASSWORD}` } })
            .then(outcome),
        );
        expectOneWinner(outcomes, 200, { status: 400, code: "INVALID_TOKEN" });
        const rows = await t.deps.db.kysely
          .selectFrom("verification")
          .select("id")
          .where("identifier", "like", "reset-password:%")
          .where("value", "=", user.id)
          .execute();
        expect(rows).toEqual([]);
      }
    },
    RACE_TIMEOUT_MS,
  );

  it(
    "POST /api/auth/organization/accept-invitation: one 200 and one membership, the rest 400",
    async () => {
      const owner = await signUp(t, "Inviter");
      const tenant = await createTenant(t, owner.token, "invites");
      for (let trial = 0; trial < TRIALS; trial++) {
        const invitee = await signUp(t, "Invitee");
        const invited = await t.request("/api/auth/organization/invite-member", {
          token: owner.token,
          json: { email: invitee.email, role: "user", organizationId: tenant },
        });
        const { id } = (await invited.json()) as { id: string };
        expect(invited.status).toBe(200);
        const outcomes = await times(PARALLEL, () =>
          t
            .request("/api/auth/organization/accept-invitation", {
              token: invitee.token,
              json: { invitationId: id },
            })
            .then(outcome),
        );
        expect(outcomes.filter((o) => o.status === 200)).toHaveLength(1);
        const refusals: Outcome[] = [
          { status: 400, code: "INVITATION_NOT_FOUND" },
          { status: 400, code: "USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION" },
        ];
        for (const loser of outcomes.filter((o) => o.status !== 200)) expect(refusals).toContainEqual(loser);
        const members = await t.deps.db.kysely
          .selectFrom("member")
          .select("id")
          .where("organizationId", "=", tenant)
          .where("userId", "=", invitee.id)
          .execute();
        expect(members).toHaveLength(1);
      }
    },
    RACE_TIMEOUT_MS,
  );

  it(
    "POST /api/auth/two-factor/verify-backup-code with one code: one 200, the rest 401 INVALID_BACKUP_CODE",
    async () => {
      /** A user with two-factor enabled (not yet verified) and its ten backup codes. */
      const enabled = async () => {
        const user = await signUp(t, "Backup");
        const answer = await t.request("/api/auth/two-factor/enable", {
          token: user.token,
          json: { password: PASSWORD },
        });
        expect(answer.status).toBe(200);
        return { user, codes: ((await answer.json()) as { backupCodes: string[] }).backupCodes };
      };
      let { user, codes } = await enabled();
      for (let trial = 0; trial < TRIALS; trial++) {
        if (codes.length === 0) ({ user, codes } = await enabled());
        const [code, ...rest] = codes;
        codes = rest;
        const outcomes = await times(PARALLEL, () =>
          t
            .request("/api/auth/two-factor/verify-backup-code", { token: user.token, json: { code } })
            .then(outcome),
        );
        expectOneWinner(outcomes, 200, { status: 401, code: "INVALID_BACKUP_CODE" });
      }
    },
    RACE_TIMEOUT_MS,
  );
});

describe("POST /api/auth/organization/accept-invitation by a member", () => {
  it("refuses a suspended member's old invitation with 400: the membership stays one, suspended", async () => {
    const owner = await signUp(t, "Suspender");
    const tenant = await createTenant(t, owner.token, "suspends");
    const member = await signUp(t, "Suspended");
    const invited = await t.request("/api/auth/organization/invite-member", {
      token: owner.token,
      json: { email: member.email, role: "user", organizationId: tenant },
    });
    const first = (await invited.json()) as { id: string };
    const accepted = await t.request("/api/auth/organization/accept-invitation", {
      token: member.token,
      json: { invitationId: first.id },
    });
    expect(accepted.status).toBe(200);
    const suspended = await call(
      t,
      "PATCH",
      `/v1/users/${member.id}`,
      { token: owner.token, tenant },
      {
        active: false,
      },
    );
    expect(suspended.status).toBe(200);
    // An invitation sent before the suspension and never answered.
    const old = crypto.randomUUID();
    const now = new Date();
    await t.deps.db.kysely
      .insertInto("invitation")
      .values({
        id: old,
        organizationId: tenant,
        email: member.email,
        role: "user",
        status: "pending",
        expiresAt: dateParam(t.deps.db.dialect, new Date(now.getTime() + 60 * 60 * 1000)),
        createdAt: dateParam(t.deps.db.dialect, now),
        inviterId: owner.id,
      })
      .execute();
    const again = await t.request("/api/auth/organization/accept-invitation", {
      token: member.token,
      json: { invitationId: old },
    });
    expect(await outcome(again)).toEqual({
      status: 400,
      code: "USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION",
    });
    const rows = await t.deps.db.kysely
      .selectFrom("member")
      .select(["status"])
      .where("organizationId", "=", tenant)
      .where("userId", "=", member.id)
      .execute();
    expect(rows).toEqual([{ status: "suspended" }]);
  });
});
