/**
 * The request counter and latency histogram, counted by hand and handed to prom-client's registry as two
 * metrics of its format (it renders and escapes them like its own). prom-client's own Counter and Histogram
 * hash the label object on every call and allocate per observation; counted here, a request costs one map
 * lookups and a few additions — it is paid by every request of every route, /health included.
 */
import type { Registry } from "prom-client";

export interface RequestLabels {
  readonly method: string;
  readonly route: string;
  readonly status: string;
}

interface Series {
  readonly labels: RequestLabels;
  count: number;
  sum: number;
  /** Observations per bucket (not cumulative); the last slot is above the highest bound. */
  readonly buckets: number[];
}

type Value = { labels: Record<string, string | number>; value: number; metricName?: string };

export function createRequestStats(options: {
  readonly registry: Registry;
  readonly counterName: string;
  readonly counterHelp: string;
  readonly histogramName: string;
  readonly histogramHelp: string;
  readonly buckets: readonly number[];
}) {
  const { buckets, histogramName: name } = options;
  const series: Series[] = [];
  // route → status → method: three lookups of values at hand, no key string built per request.
  const byRoute = new Map<string, Map<number, Map<string, Series>>>();

  function seriesOf(method: string, route: string, status: number): Series {
    let byStatus = byRoute.get(route);
    if (!byStatus) {
      byStatus = new Map();
      byRoute.set(route, byStatus);
    }
    let byMethod = byStatus.get(status);
    if (!byMethod) {
      byMethod = new Map();
      byStatus.set(status, byMethod);
    }
    let found = byMethod.get(method);
    if (!found) {
      found = { labels: { method, route, status: String(status) }, count: 0, sum: 0, buckets: [] };
      for (let i = 0; i <= buckets.length; i++) found.buckets.push(0);
      byMethod.set(method, found);
      series.push(found);
    }
    return found;
  }

  function histogramValues(): Value[] {
    const values: Value[] = [];
    for (const { labels, count, sum, buckets: counts } of series) {
      let cumulative = 0;
      buckets.forEach((bound, i) => {
        cumulative += counts[i] ?? 0;
        values.push({ labels: { ...labels, le: bound }, value: cumulative, metricName: `${name}_bucket` });
      });
      values.push({ labels: { ...labels, le: "+Inf" }, value: count, metricName: `${name}_bucket` });
      values.push({ labels: { ...labels }, value: sum, metricName: `${name}_sum` });
      values.push({ labels: { ...labels }, value: count, metricName: `${name}_count` });
    }
    return values;
  }

  options.registry.registerMetric(
    metric(options.counterName, options.counterHelp, "counter", () =>
      series.map(({ labels, count }) => ({ labels: { ...labels }, value: count })),
    ),
  );
  options.registry.registerMetric(metric(name, options.histogramHelp, "histogram", histogramValues));

  return {
    record(method: string, route: string, status: number, seconds: number): void {
      const entry = seriesOf(method, route, status);
      entry.count += 1;
      entry.sum += seconds;
      let slot = 0;
      while (slot < buckets.length && seconds > (buckets[slot] as number)) slot++;
      entry.buckets[slot] = (entry.buckets[slot] ?? 0) + 1;
    },
  };
}

/** A metric as prom-client's registry reads it (`get()` → name, help, type, values). */
function metric(name: string, help: string, type: "counter" | "histogram", values: () => Value[]) {
  const read = async () => ({ name, help, type, values: values(), aggregator: "sum" as const });
  return { name, help, type, aggregator: "sum", get: read, reset: () => {} } as unknown as Parameters<
    Registry["registerMetric"]
  >[0];
}
