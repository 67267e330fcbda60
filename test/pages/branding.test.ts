/** APP_NAME, BRAND_LOGO_URL and BRAND_PRIMARY_COLOR: validated at start-up, shown on every page. */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

const LOGO = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=";

function configWith(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-brand-"));
  try {
    return loadConfig({ NODE_ENV: "test", DATA_DIR: dataDir, ...env }, () => {});
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe("branding configuration", () => {
  it("refuses a colour that is not #rgb or #rrggbb, and a logo on another host", () => {
    const refused: Record<string, string>[] = [
      { BRAND_PRIMARY_COLOR: "red" },
      { BRAND_PRIMARY_COLOR: "#12345" },
      { BRAND_PRIMARY_COLOR: "#fff; background: url(x)" },
      { BRAND_LOGO_URL: "https://cdn.example.com/logo.png" },
      { BRAND_LOGO_URL: "//cdn.example.com/logo.png" },
      { BRAND_LOGO_URL: "javascript:alert(1)" },
      { APP_NAME: "x".repeat(61) },
    ];
    for (const env of refused) expect(() => configWith(env)).toThrow(ConfigError);
  });

  it("accepts a path on this host, a data: image and a hex colour", () => {
    expect(configWith({ BRAND_LOGO_URL: "/static/logo.svg" }).brand.logoUrl).toBe("/static/logo.svg");
    expect(configWith({ BRAND_LOGO_URL: LOGO, BRAND_PRIMARY_COLOR: "#0A7" }).brand).toMatchObject({
      logoUrl: LOGO,
      primaryColor: "#0a7",
    });
  });
});

describe("a branded page", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { APP_NAME: "Acme <ID>", BRAND_LOGO_URL: LOGO, BRAND_PRIMARY_COLOR: "#7c2d12" },
    });
  });
  afterAll(() => t.close());

  it("shows the name (escaped) and the logo, and serves the colour", async () => {
    const html = await (await t.request("/sign-in")).text();
    expect(html).toContain("<title>Sign in · Acme &lt;ID&gt;</title>");
    expect(html).toContain(`<img class="brand-logo" src="${LOGO}" alt="">`);
    expect(html).toContain("Sign in to Acme &lt;ID&gt;");
    expect(await (await t.request("/pages/assets/brand.css")).text()).toContain("--primary: #7c2d12");
  });
});
