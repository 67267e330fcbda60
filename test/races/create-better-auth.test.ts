/**
 * Issue 11 item 6 on better-auth's own routes: parallel sign-ups (and admin create-users) with one e-mail give
 * one 200 and better-auth's "already exists" answer to the others — 422 on sign-up, 400 on create-user, the
 * statuses of its own duplicate checks — never FAILED_TO_CREATE_USER or a 500; one account, with its password.
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

const cases = [
  { path: "/api/auth/sign-up/email", token: undefined as string | undefined, loser: 422 },
  { path: "/api/auth/admin/create-user", token: "admin", loser: 400 },
] as const;

describe("better-auth user creation, many at once with one e-mail", () => {
  for (const { path, token, loser } of cases) {
    it(
      `POST ${path} answers one 200 and ${loser} USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL to the others, ${TRIALS} times`,
      async () => {
        for (let trial = 0; trial < TRIALS; trial++) {
          const email = `race-ba-${path.split("/").pop()}-${trial}@example.com`;
          const answers = await race((i) =>
            t.request(path, {
              ...(token ? { token: admin } : {}),
              json: { email, name: `Racer ${i}`, password: "race-password-1" },
            }),
          );
          expect(statusCounts(answers)).toEqual({ 200: 1, [loser]: PARALLEL - 1 });
          for (const answer of answers.filter((a) => a.status === loser)) {
            expect(answer.body.code).toBe("USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");
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
