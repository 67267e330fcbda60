/** Figures of GET /metrics, as a scraper reads them. */
import type { TestApp } from "./test-app.ts";

/** How many `method route` requests were answered with `status`, from the request counter. */
export async function requestCount(
  t: TestApp,
  method: string,
  route: string,
  status: number,
): Promise<number> {
  const text = await (await t.request("/metrics")).text();
  const line = text
    .split("\n")
    .find(
      (l) =>
        l.startsWith("gatehouse_http_requests_total{") &&
        l.includes(`route="${route}"`) &&
        l.includes(`status="${status}"`) &&
        l.includes(`method="${method}"`),
    );
  return line ? Number(line.split(" ").pop()) : 0;
}
