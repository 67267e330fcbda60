/**
 * Issue 11 item 6: parallel POST /v1/users with one e-mail — by an admin, and as a public sign-up — give one
 * 201 and 409 email_exists for every other, never a 500, and leave one account with its password, in `default`.
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

describe("POST /v1/users, many at once with one e-mail", () => {
  for (const caller of ["an admin", "a public sign-up"] as const) {
    it(
      `answers one 201 and 409 email_exists to the others (${caller}), ${TRIALS} times`,
      async () => {
        for (let trial = 0; trial < TRIALS; trial++) {
          const email = `race-v1-${caller === "an admin" ? "admin" : "public"}-${trial}@example.com`;
          const answers = await race((i) =>
            t.request("/v1/users", {
              ...(caller === "an admin" ? { token: admin } : {}),
              json: {
                email,
                name: `Racer ${i}`,
                password: "race-password-1",
                ...(caller === "an admin" ? { roles: ["user"] } : {}),
              },
            }),
          );
          expect(statusCounts(answers)).toEqual({ 201: 1, 409: PARALLEL - 1 });
          for (const answer of answers.filter((a) => a.status === 409)) {
            expect(answer.body.code).toBe("email_exists");
          }
          expect(await storedAccounts(t, "email", email)).toEqual([
            { id: expect.any(String), hasPassword: true, inDefault: true },
          ]);
        }
      },
      RACE_TIMEOUT_MS,
    );
  }
});
