import { describe, expect, it } from "bun:test";
import { Registry } from "prom-client";
import { createRequestStats } from "./request-stats.ts";

function statsWithRegistry() {
  const registry = new Registry();
  const stats = createRequestStats({
    registry,
    counterName: "t_requests_total",
    counterHelp: "requests",
    histogramName: "t_duration_seconds",
    histogramHelp: "latency",
    buckets: [0.01, 0.1],
  });
  return { registry, stats };
}

describe("request counter and latency histogram", () => {
  it("renders counts and cumulative buckets per method, route and status in Prometheus text", async () => {
    const { registry, stats } = statsWithRegistry();
    stats.record("GET", "/health", 200, 0.005);
    stats.record("GET", "/health", 200, 0.05);
    stats.record("GET", "/health", 200, 0.5);
    stats.record("POST", "/v1/users", 201, 0.01);
    const text = await registry.metrics();
    expect(text).toContain("# TYPE t_requests_total counter");
    expect(text).toContain('t_requests_total{method="GET",route="/health",status="200"} 3');
    expect(text).toContain('t_requests_total{method="POST",route="/v1/users",status="201"} 1');
    expect(text).toContain("# TYPE t_duration_seconds histogram");
    const health = 'method="GET",route="/health",status="200"';
    expect(text).toContain(`t_duration_seconds_bucket{${health},le="0.01"} 1`);
    expect(text).toContain(`t_duration_seconds_bucket{${health},le="0.1"} 2`);
    expect(text).toContain(`t_duration_seconds_bucket{${health},le="+Inf"} 3`);
    expect(text).toContain(`t_duration_seconds_sum{${health}} 0.555`);
    expect(text).toContain(`t_duration_seconds_count{${health}} 3`);
    // A value on a bucket's bound counts in that bucket (Prometheus buckets are `le`).
    expect(text).toContain(
      't_duration_seconds_bucket{method="POST",route="/v1/users",status="201",le="0.01"} 1',
    );
  });

  it("escapes label values it did not choose (a path under better-auth's catch-all)", async () => {
    const { registry, stats } = statsWithRegistry();
    stats.record("GET", '/api/auth/a"b\\c', 404, 0.001);
    expect(await registry.metrics()).toContain('route="/api/auth/a\\"b\\\\c"');
  });
});
