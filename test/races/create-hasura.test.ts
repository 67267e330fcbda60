/**
 * Issue 11 item 6 on the Hasura dialect: parallel /v1/signup with one e-mail, and parallel admin create-user
 * with one mobile number, give one 200 and the dialect's 400 (seed 004: email-exists, user-exists) to the
 * others, never a 500; one account.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { ADMIN, createTestApp, type TestApp } from "../helpers/test-app.ts";
import { PARALLEL, RACE_TIMEOUT_MS, race, statusCounts, storedAccounts, TRIALS } from "./parallel.ts";

let t: TestApp;
let admin: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.signIn(ADMIN.email, ADMIN.password);
});
afterAll(() => t.close());

describe("Hasura user creation, many at once with one identifier", () => {
  it(
    `POST /v1/signup answers one 200 and 400 email-exists for one e-mail, ${TRIALS} times`,
    async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const email = `race-hasura-${trial}@example.com`;
        const answers = await race(() =>
          t.request("/v1/signup", {
            json: { provider: "email", data: { email, password: "hasura-password-1" } },
          }),
        );
        expect(statusCounts(answers)).toEqual({ 200: 1, 400: PARALLEL - 1 });
        for (const answer of answers.filter((a) => a.status === 400)) {
          expect(answer.body.code).toBe("email-exists");
        }
        expect(await storedAccounts(t, "email", email)).toEqual([
          { id: expect.any(String), hasPassword: true, inDefault: true },
        ]);
      }
    },
    RACE_TIMEOUT_MS,
  );

  it(
    `POST /v1/admin/create-user answers one 200 and 400 user-exists for one mobile number, ${TRIALS} times`,
    async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const mobile = `90000${String(trial).padStart(5, "0")}`;
        const answers = await race(() =>
          t.request("/v1/admin/create-user", {
            token: admin,
            json: { provider: "mobile", data: { mobile, country_code: "91" } },
          }),
        );
        expect(statusCounts(answers)).toEqual({ 200: 1, 400: PARALLEL - 1 });
        for (const answer of answers.filter((a) => a.status === 400)) {
          expect(answer.body.code).toBe("user-exists");
        }
        expect(await storedAccounts(t, "phoneNumber", `+91${mobile}`)).toEqual([
          { id: expect.any(String), hasPassword: false, inDefault: true },
        ]);
      }
    },
    RACE_TIMEOUT_MS,
  );
});
