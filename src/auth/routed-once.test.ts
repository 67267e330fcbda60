/**
 * better-auth's handler with its router built once (./routed-once.ts): built on the first request and not again,
 * each request still answered with its own caller's data, and left as better-auth's own whenever the context it
 * works out per request could differ between requests.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import type { BetterAuthOptions } from "better-auth";
import { createTestApp, type TestApp } from "../../test/helpers/test-app.ts";
import { signUp } from "../../test/helpers/v1.ts";
import { fixedPerRequest } from "./routed-once.ts";

describe("fixedPerRequest", () => {
  const base: BetterAuthOptions = {
    baseURL: "https://id.example.com",
    trustedOrigins: ["https://app.example"],
  };

  it("holds for a fixed base URL and fixed lists of origins and providers", () => {
    expect(fixedPerRequest(base)).toBe(true);
    expect(fixedPerRequest({ baseURL: "https://id.example.com" })).toBe(true);
    expect(
      fixedPerRequest({ ...base, account: { accountLinking: { trustedProviders: ["email-password"] } } }),
    ).toBe(true);
  });

  it("fails for anything worked out from the request", () => {
    expect(fixedPerRequest({ trustedOrigins: ["https://app.example"] })).toBe(false);
    expect(fixedPerRequest({ ...base, trustedOrigins: async () => ["https://app.example"] })).toBe(false);
    expect(
      fixedPerRequest({
        ...base,
        baseURL: { allowedHosts: ["id.example.com"] } as BetterAuthOptions["baseURL"],
      }),
    ).toBe(false);
    expect(
      fixedPerRequest({ ...base, account: { accountLinking: { trustedProviders: async () => ["google"] } } }),
    ).toBe(false);
  });
});

describe("Gatehouse's better-auth handler", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it("builds its endpoints on the first request only", async () => {
    // better-auth reads every plugin's endpoints whenever it builds its endpoint table: count those reads.
    const plugins = t.deps.auth.options.plugins as { endpoints?: unknown }[];
    const plugin = plugins.find((each) => each.endpoints !== undefined);
    if (!plugin) throw new Error("no plugin with endpoints");
    const endpoints = plugin.endpoints;
    let reads = 0;
    Object.defineProperty(plugin, "endpoints", {
      configurable: true,
      get() {
        reads++;
        return endpoints;
      },
    });
    const before = reads;
    for (let i = 0; i < 5; i++) expect((await t.request("/api/auth/ok")).status).toBe(200);
    expect(reads - before).toBeLessThanOrEqual(1);
  });

  it("answers requests at once each with its own caller's sessions", async () => {
    const users = [await signUp(t, "Routed A"), await signUp(t, "Routed B")];
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const user = users[i % 2] as (typeof users)[number];
        const response = await t.request("/api/auth/list-sessions", { token: user.token });
        return { user, status: response.status, sessions: (await response.json()) as { userId: string }[] };
      }),
    );
    for (const { user, status, sessions } of answers) {
      expect(status).toBe(200);
      expect(sessions.length).toBeGreaterThan(0);
      expect(sessions.every((session) => session.userId === user.id)).toBe(true);
    }
  });
});
