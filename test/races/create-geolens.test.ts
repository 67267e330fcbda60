/**
 * Issue 11 item 6 on the GeoLens dialect: parallel POST /api/admin/users/ with one username, or with one e-mail,
 * give one 201 and the dialect's 409 (seed 002: "Username already taken", "Email already registered") to the
 * others, never a 500; one account, with its password.
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

describe("POST /api/admin/users/, many at once with one identifier", () => {
  it(
    `answers one 201 and 409 'Username already taken' for one username, ${TRIALS} times`,
    async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const username = `race_geo_${trial}`;
        const answers = await race(() =>
          t.request("/api/admin/users/", {
            token: admin,
            json: { username, password: "geolens-password-1" },
          }),
        );
        expect(statusCounts(answers)).toEqual({ 201: 1, 409: PARALLEL - 1 });
        for (const answer of answers.filter((a) => a.status === 409)) {
          expect(answer.body).toEqual({ detail: "Username already taken" });
        }
        expect(await storedAccounts(t, "username", username)).toEqual([
          { id: expect.any(String), hasPassword: true, inDefault: true },
        ]);
      }
    },
    RACE_TIMEOUT_MS,
  );

  it(
    `answers one 201 and 409 'Email already registered' for one e-mail, ${TRIALS} times`,
    async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const email = `race-geo-${trial}@example.com`;
        const answers = await race((i) =>
          t.request("/api/admin/users/", {
            token: admin,
            json: { username: `race_geo_mail_${trial}_${i}`, email, password: "geolens-password-1" },
          }),
        );
        expect(statusCounts(answers)).toEqual({ 201: 1, 409: PARALLEL - 1 });
        for (const answer of answers.filter((a) => a.status === 409)) {
          expect(answer.body).toEqual({ detail: "Email already registered" });
        }
        expect(await storedAccounts(t, "email", email)).toEqual([
          { id: expect.any(String), hasPassword: true, inDefault: true },
        ]);
      }
    },
    RACE_TIMEOUT_MS,
  );
});
