import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { sample } from "../../../../test/helpers/metrics.ts";
import { ADMIN, createTestApp, type TestApp } from "../../../../test/helpers/test-app.ts";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/**
 * Requests are recorded as their answer is made (the module wraps the app's handling), so before `app.handle`
 * resolves; scraping until the last expected sample is there (or for a second) keeps the test independent of it.
 */
async function scrape(ready: (text: string) => boolean = () => true): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const response = await t.request("/metrics");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    if (ready(text) || attempt >= 50) return text;
    await Bun.sleep(20);
  }
}

describe("GET /metrics", () => {
  it("counts requests per route pattern and status, not per raw path", async () => {
    await t.request("/health");
    await t.request("/health");
    await t.request("/no/such/route/123");
    const text = await scrape((m) => sample(m, "gatehouse_http_requests_total", { route: "unmatched" }) > 0);
    expect(
      sample(text, "gatehouse_http_requests_total", { method: "GET", route: "/health", status: "200" }),
    ).toBe(2);
    expect(sample(text, "gatehouse_http_requests_total", { route: "unmatched", status: "404" })).toBe(1);
    expect(text).not.toContain("/no/such/route");
    expect(
      sample(text, "gatehouse_http_request_duration_seconds_count", {
        method: "GET",
        route: "/health",
        status: "200",
      }),
    ).toBe(2);
  });

  it("counts sign-in successes and failures", async () => {
    await t.signIn(ADMIN.email, ADMIN.password);
    const bad = await t.request("/api/auth/sign-in/email", {
      json: { email: ADMIN.email, password: "wrong-pass" },
    });
    expect(bad.status).toBe(401);
    const text = await scrape((m) => sample(m, "gatehouse_sign_in_total", { result: "failure" }) > 0);
    expect(sample(text, "gatehouse_sign_in_total", { method: "email", result: "success" })).toBe(1);
    expect(sample(text, "gatehouse_sign_in_total", { method: "email", result: "failure" })).toBe(1);
    expect(
      sample(text, "gatehouse_http_requests_total", { route: "/api/auth/sign-in/email", status: "401" }),
    ).toBe(1);
  });

  it("reports cache hits and misses per namespace and process figures", async () => {
    const token = await t.signIn(ADMIN.email, ADMIN.password);
    await t.request("/api/auth/get-session", { token });
    const text = await scrape();
    expect(sample(text, "gatehouse_cache_hits_total", { namespace: "better-auth" })).toBeGreaterThan(0);
    expect(text).toContain("gatehouse_cache_misses_total");
    expect(text).toMatch(/^gatehouse_cache_available 1$/m);
    expect(text).toMatch(/^gatehouse_process_resident_memory_bytes \d+/m);
    expect(text).toContain("gatehouse_nodejs_eventloop_lag_seconds");
  });
});
