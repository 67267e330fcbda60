/**
 * Issue 11 item 5, continued (test/races/single-use.test.ts has the links, invitations and backup codes): a
 * texted code and a change-of-e-mail confirmation presented by PARALLEL requests at once, TRIALS times each —
 * exactly one wins, the others get better-auth's refusal (never a 500). On SQLite and (with TEST_DATABASE_URL)
 * on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { codeIn } from "../helpers/sms-peer.ts";
import { linkIn } from "../helpers/smtp-peer.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";
import { freshEmail, signUp } from "../helpers/v1.ts";

const TRIALS = 20;
const PARALLEL = 8;
const RACE_TIMEOUT_MS = 60_000;

let t: TestApp;
let phones = 0;

beforeAll(async () => {
  t = await createTestApp({ sms: true });
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

const times = <T>(n: number, make: () => Promise<T>) => Promise.all(Array.from({ length: n }, make));

function mailTo(email: string, path: string, after: number) {
  return t.smtp.waitFor(
    (mail) =>
      t.smtp.messages.indexOf(mail) >= after &&
      mail.to.includes(email) &&
      mail.text.includes(`/api/auth${path}`),
  );
}

describe("one code, many requests at once", () => {
  it(
    "POST /api/auth/phone-number/verify with one texted code: one 200, the rest 400, the number set once",
    async () => {
      const sms = t.sms;
      if (!sms) throw new Error("the SMS peer did not start");
      for (let trial = 0; trial < TRIALS; trial++) {
        const user = await signUp(t, "Phone");
        phones += 1;
        const phone = `+1415556${String(1000 + phones).slice(-4)}`;
        const mark = sms.messages.length;
        const sent = await t.request("/api/auth/phone-number/send-otp", {
          token: user.token,
          json: { phoneNumber: phone },
        });
        expect(sent.status).toBe(200);
        const code = codeIn(await sms.waitFor((m) => m.to === phone && sms.messages.indexOf(m) >= mark));
        const outcomes = await times(PARALLEL, () =>
          t
            .request("/api/auth/phone-number/verify", {
              token: user.token,
              json: { phoneNumber: phone, code, updatePhoneNumber: true },
            })
            .then(outcome),
        );
        expect(outcomes.filter((o) => o.status === 200)).toHaveLength(1);
        for (const loser of outcomes.filter((o) => o.status !== 200)) {
          expect(loser.status).toBe(400);
          expect(["INVALID_OTP", "OTP_NOT_FOUND", "OTP_EXPIRED"]).toContain(loser.code ?? "");
        }
        const row = await t.deps.db.kysely
          .selectFrom("user")
          .select(["phoneNumber", "phoneNumberVerified"])
          .where("id", "=", user.id)
          .executeTakeFirstOrThrow();
        expect({ phone: row.phoneNumber, verified: Boolean(row.phoneNumberVerified) }).toEqual({
          phone,
          verified: true,
        });
      }
    },
    RACE_TIMEOUT_MS,
  );

  it(
    "GET /api/auth/verify-email with one change-of-e-mail confirmation: one goes on, the rest ?error=INVALID_TOKEN",
    async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const user = await signUp(t, "Mover");
        const verify = linkIn(await mailTo(user.email, "/verify-email?token=", 0), `${t.baseUrl}/api/auth`);
        expect((await t.request(verify.slice(t.baseUrl.length))).status).toBe(302);
        const newEmail = freshEmail("moved");
        const before = t.smtp.messages.length;
        const asked = await t.request("/api/auth/change-email", { token: user.token, json: { newEmail } });
        expect(asked.status).toBe(200);
        const confirm = linkIn(
          await mailTo(user.email, "/verify-email?token=", before),
          `${t.baseUrl}/api/auth`,
        );
        const outcomes = await times(PARALLEL, () =>
          t.request(confirm.slice(t.baseUrl.length), { token: user.token }).then(outcome),
        );
        // The mailed link names the page it lands on (its callbackURL): the winner goes there, the rest with the error.
        const page = new URL(confirm).searchParams.get("callbackURL") ?? "";
        expect(page).toStartWith("/");
        expect(outcomes.filter((o) => o.location === page)).toHaveLength(1);
        expect(outcomes.filter((o) => o.location !== page)).toEqual(
          Array(PARALLEL - 1).fill({ status: 302, location: `${page}?error=INVALID_TOKEN` }),
        );
        // The one confirmation sent the one verification link to the new address, and it changes the address.
        const moved = linkIn(await mailTo(newEmail, "/verify-email?token=", before), `${t.baseUrl}/api/auth`);
        expect((await t.request(moved.slice(t.baseUrl.length), { token: user.token })).status).toBe(302);
        const row = await t.deps.db.kysely
          .selectFrom("user")
          .select("email")
          .where("id", "=", user.id)
          .executeTakeFirstOrThrow();
        expect(row.email).toBe(newEmail);
      }
    },
    RACE_TIMEOUT_MS,
  );
});
