/** Figures of GET /metrics, as a scraper reads them. */
import type { TestApp } from "./test-app.ts";

/** The value of one sample line of the Prometheus text, 0 when absent. */
export function sample(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.indexOf("}"));
    if (wanted.every((pair) => labelText.split(",").includes(pair))) return Number(line.split(" ").pop());
  }
  return 0;
}

/** How many `method route` requests were answered with `status`, from the request counter. */
export async function requestCount(
  t: TestApp,
  method: string,
  route: string,
  status: number,
): Promise<number> {
  const text = await (await t.request("/metrics")).text();
  return sample(text, "gatehouse_http_requests_total", { method, route, status: String(status) });
}
