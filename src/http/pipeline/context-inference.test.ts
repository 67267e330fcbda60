/**
 * Elysia reads the source of every hook and handler to learn what a request needs (its "sucrose" inference):
 * one hook that hands the whole context on, or one handler that names `cookie`, makes it parse the headers and
 * cookies of every request of the app, /health included. The app's hooks name what they read; this keeps it so.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createTestApp, type TestApp } from "../../../test/helpers/test-app.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe("what every request of the app parses", () => {
  it("parses neither the cookies nor the headers into the context of a route that does not name them", () => {
    // `inference` is what Elysia compiles every route with, before the route's own hooks and handler add to it.
    const { inference } = t.app as unknown as { inference: Record<string, boolean> };
    expect({ cookie: inference.cookie, headers: inference.headers, server: inference.server }).toEqual({
      cookie: false,
      headers: false,
      server: false,
    });
  });

  it("still answers a route with cookies and headers as sent", async () => {
    const response = await t.request("/i18n/test", {
      headers: { cookie: "locale=fr", "accept-language": "de" },
    });
    expect(await response.json()).toMatchObject({ locale: "fr" });
  });
});
