/**
 * GET /health over HTTP takes the fast path (probe.ts): the same answer as the app's route, counted in the same
 * metrics; a probe the pipeline would refuse still gets the app's refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { requestCount } from "../../../../test/helpers/metrics.ts";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.ts";

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await createTestApp();
  base = await t.listen();
});
afterAll(() => t.close());

/** Status, headers (but the date, which moves) and body of an answer. */
async function answer(response: Response) {
  const headers: [string, string][] = [];
  response.headers.forEach((value, name) => {
    if (name !== "date") headers.push([name, value]);
  });
  return { status: response.status, headers, body: await response.text() };
}

/** The count of GET /health answered 200, from the metrics. */
const healthCount = () => requestCount(t, "GET", "/health", 200);

describe("GET /health's fast path", () => {
  it("answers the bytes the app's route answers", async () => {
    const fast = await answer(await fetch(`${base}/health`));
    // A declared empty body is the app's to answer (the fast path takes only requests without a body).
    const routed = await answer(await fetch(`${base}/health`, { headers: { "content-length": "0" } }));
    const inProcess = await answer(await t.app.handle(new Request("http://localhost/health")));
    expect(fast.status).toBe(200);
    // The uptime may tick between the answers.
    const sameUptime = (a: typeof fast) => ({ ...a, body: a.body.replace(/"uptime":\d+/, '"uptime":0') });
    expect(sameUptime(fast)).toEqual(sameUptime(routed));
    expect(sameUptime(fast).headers).toEqual(
      sameUptime(inProcess)
        .headers.concat([["content-length", String(inProcess.body.length)]])
        .sort(),
    );
    expect(fast.headers).toContainEqual(["x-content-type-options", "nosniff"]);
    expect(fast.headers).toContainEqual(["cache-control", "no-store"]);
  });

  it("is counted in the request metrics as the route is", async () => {
    const before = await healthCount();
    for (let i = 0; i < 3; i++) expect((await fetch(`${base}/health`)).status).toBe(200);
    expect(await healthCount()).toBe(before + 3);
  });

  it("leaves to the app what it would not answer alike", () => {
    const probe = (init: RequestInit) => t.app.probe(new Request("http://localhost/health", init));
    // Headers above the app's limit (431, request-limits.test.ts through a server), a body, another method.
    expect(probe({ headers: { "x-padding": "a".repeat(20 * 1024) } })).toBeUndefined();
    expect(probe({ method: "POST", body: "{}" })).toBeUndefined();
    expect(probe({ headers: { "transfer-encoding": "chunked" } })).toBeUndefined();
    expect(probe({ method: "HEAD" })).toBeUndefined();
    expect(probe({})).toBeDefined();
  });
});
