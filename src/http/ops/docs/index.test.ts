import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.ts";

let t: TestApp;
let origin: string;
let html: string;

beforeAll(async () => {
  t = await createTestApp();
  origin = new URL(t.config.baseUrl).origin;
  const response = await t.request("/docs");
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/html");
  html = await response.text();
});
afterAll(() => t.close());

/** Every absolute http(s) URL in a text that is not on `origin`. */
function foreignUrls(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s"'`)<>]+/g)]
    .map(([url]) => url)
    .filter((url) => new URL(url).origin !== origin);
}

/** The URLs the page loads (script src, link href), resolved against the page. */
function loadedUrls(page: string): URL[] {
  return [...page.matchAll(/<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map(
    ([, url]) => new URL(url ?? "", `${origin}/docs`),
  );
}

describe("GET /docs", () => {
  it("renders the reference of /openapi.json", () => {
    expect(html).toContain('data-url="/openapi.json"');
  });

  it("references no host but this one", () => {
    expect(foreignUrls(html)).toEqual([]);
    const loaded = loadedUrls(html);
    expect(loaded.length).toBeGreaterThan(0);
    expect(loaded.filter((url) => url.origin !== origin).map(String)).toEqual([]);
  });

  it("serves the Scalar bundle it loads, as JavaScript, from this host", async () => {
    const [script] = loadedUrls(html);
    const response = await t.request(`${script?.pathname}${script?.search}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^(text|application)\/javascript\b/);
    const code = await response.text();
    expect(code).toContain("createApiReference");
    // The only resources the bundle itself would load from elsewhere are its default fonts (CSS url()); the page
    // switches them off, and with them the features that call Scalar's services.
    const external = [...code.matchAll(/url\(\s*["']?(https?:\/\/[^)"']+)/g)].map(([, url]) => url ?? "");
    expect(external.filter((url) => !url.startsWith("https://fonts.scalar.com/"))).toEqual([]);
    const configuration = JSON.parse(
      /data-configuration='([^']*)'/.exec(html)?.[1]?.replaceAll("&#39;", "'") ?? "{}",
    ) as Record<string, unknown>;
    expect(configuration).toMatchObject({
      withDefaultFonts: false,
      proxyUrl: "",
      agent: { disabled: true },
      mcp: { disabled: true },
    });
  });
});
