/**
 * The hosted pages' rules over plain HTTP: the Content-Security-Policy, the CSRF token, redirect_to, sign-up
 * switched off, and the mailed links landing on the pages.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { pageClient } from "../helpers/page-forms.ts";
import { ADMIN, createTestApp, type TestApp } from "../helpers/test-app.ts";

const STRICT_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
];

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { TRUSTED_ORIGINS: "https://app.example.com" } });
});
afterAll(() => t.close());

describe("every page", () => {
  for (const path of [
    "/sign-in",
    "/sign-up",
    "/forgot-password",
    "/verify-email",
    "/sign-out",
    "/sign-in/phone",
  ]) {
    it(`GET ${path} is HTML under the strict policy, with no inline script or style`, async () => {
      const response = await t.request(path);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      const policy = response.headers.get("content-security-policy") ?? "";
      for (const directive of STRICT_POLICY) expect(policy).toContain(directive);
      expect(policy).toMatch(/form-action 'self'/);
      expect(policy).not.toContain("unsafe-inline");
      const html = await response.text();
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/<style|\sstyle="/);
      expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    });
  }

  it("serves its stylesheet, the brand colour and its script from this host", async () => {
    for (const [path, type] of [
      ["/pages/assets/pages.css", "text/css"],
      ["/pages/assets/brand.css", "text/css"],
      ["/pages/assets/pages.js", "text/javascript"],
    ] as const) {
      const response = await t.request(path);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toStartWith(type);
    }
    expect(await (await t.request("/pages/assets/brand.css")).text()).toContain("--primary: #1d4ed8");
  });

  it("lists the trusted origins in form-action, so a sign-in may return to them", async () => {
    const response = await t.request("/sign-in");
    expect(response.headers.get("content-security-policy")).toContain(
      "form-action 'self' https://app.example.com",
    );
  });
});

describe("CSRF", () => {
  it("signs in with the page's token", async () => {
    const browser = pageClient(t);
    await browser.get("/sign-in");
    const response = await browser.post("/sign-in", { identifier: ADMIN.email, password: ADMIN.password });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/account");
    expect([...browser.cookies.keys()].some((name) => name.endsWith("session_token"))).toBe(true);
  });

  it("refuses a post without a token, with a forged one, and one without the cookie; no session is opened", async () => {
    for (const attempt of ["missing", "forged", "no-cookie"] as const) {
      const browser = pageClient(t);
      await browser.get("/sign-in");
      if (attempt === "no-cookie") browser.cookies.clear();
      const fields: Record<string, string> = { identifier: ADMIN.email, password: ADMIN.password };
      if (attempt === "forged") fields.csrf = "A".repeat(43);
      if (attempt === "missing") fields.csrf = "";
      const response = await browser.post("/sign-in", fields);
      expect({ attempt, status: response.status }).toEqual({ attempt, status: 403 });
      expect(await response.text()).toContain("The form had expired");
      expect([...browser.cookies.keys()].some((name) => name.endsWith("session_token"))).toBe(false);
    }
  });

  it("refuses another browser's token", async () => {
    const other = pageClient(t);
    await other.get("/sign-in");
    const browser = pageClient(t);
    await browser.get("/sign-in");
    const response = await browser.post("/sign-in", {
      identifier: ADMIN.email,
      password: ADMIN.password,
      csrf: other.csrf(),
    });
    expect(response.status).toBe(403);
  });

  it("refuses a cross-site post that rides the session cookie before the page runs (the pipeline's origin check)", async () => {
    const browser = pageClient(t);
    await browser.get("/sign-in");
    await browser.post("/sign-in", { identifier: ADMIN.email, password: ADMIN.password });
    await browser.get("/sign-out");
    const response = await browser.post("/sign-out", {}, { origin: "https://evil.example" });
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toStartWith("text/html");
    expect((await browser.get("/account")).status).toBe(200);
  });
});

describe("redirect_to", () => {
  async function signInWith(target: string): Promise<string | null> {
    const browser = pageClient(t);
    await browser.get(`/sign-in?redirect_to=${encodeURIComponent(target)}`);
    const response = await browser.post("/sign-in", {
      identifier: ADMIN.email,
      password: ADMIN.password,
      redirect_to: target,
    });
    expect(response.status).toBe(303);
    return response.headers.get("location");
  }

  it("returns to BASE_URL, a trusted origin or a path here", async () => {
    expect(await signInWith(`${t.config.baseUrl}/docs`)).toBe(`${t.config.baseUrl}/docs`);
    expect(await signInWith("https://app.example.com/after?x=1")).toBe("https://app.example.com/after?x=1");
    expect(await signInWith("/account?tab=sessions")).toBe("/account?tab=sessions");
  });

  it("ignores a foreign host, a protocol-relative URL and other schemes", async () => {
    for (const target of [
      "https://evil.example/steal",
      "//evil.example/x",
      "/\\evil.example",
      "javascript:alert(1)",
      "https://app.example.com.evil.example/",
    ]) {
      expect({ target, location: await signInWith(target) }).toEqual({ target, location: "/account" });
    }
  });

  it("does not carry a refused target on in the form or the page's links", async () => {
    const html = await (await t.request("/sign-in?redirect_to=https%3A%2F%2Fevil.example%2Fx")).text();
    expect(html).not.toContain('name="redirect_to"');
    expect(html).not.toMatch(/href="[^"]*evil\.example/);
    const allowed = await (await t.request("/sign-in?redirect_to=%2Faccount%3Ftab%3D1")).text();
    expect(allowed).toContain('name="redirect_to" value="/account?tab=1"');
  });
});

describe("mailed links", () => {
  it("the verification link lands on /verify-email, the reset link on /reset-password?token=", async () => {
    const email = `links-${crypto.randomUUID()}@example.com`;
    await t.request("/api/auth/sign-up/email", {
      json: { email, password: "a-fine-password-42", name: "Link" },
    });
    const verification = await t.smtp.waitFor((m) => m.to.includes(email) && m.text.includes("verify-email"));
    const verifyLink = new URL(/https?:\/\/\S+verify-email\S+/.exec(verification.text)?.[0] ?? "");
    expect(verifyLink.searchParams.get("callbackURL")).toBe("/verify-email");
    const landed = await t.request(verifyLink.pathname + verifyLink.search);
    expect(landed.status).toBe(302);
    expect(landed.headers.get("location")).toBe("/verify-email");

    const before = t.smtp.messages.length;
    await t.request("/api/auth/request-password-reset", { json: { email } });
    const reset = await t.smtp.waitFor(
      (m) =>
        t.smtp.messages.indexOf(m) >= before && m.to.includes(email) && m.text.includes("reset-password"),
    );
    const resetLink = new URL(/https?:\/\/\S+reset-password\S+/.exec(reset.text)?.[0] ?? "");
    const redirected = await t.request(resetLink.pathname + resetLink.search);
    expect(redirected.status).toBe(302);
    expect(redirected.headers.get("location")).toMatch(/\/reset-password\?token=[A-Za-z0-9_-]+$/);
  });
});

describe("SIGN_UP_ENABLED=false", () => {
  it("answers /sign-up with the 404 page and leaves the link out of /sign-in", async () => {
    const closed = await createTestApp({ env: { SIGN_UP_ENABLED: "false" } });
    try {
      const response = await closed.request("/sign-up");
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toStartWith("text/html");
      expect(await (await closed.request("/sign-in")).text()).not.toContain('href="/sign-up"');
    } finally {
      await closed.close();
    }
  });
});

describe("bad input", () => {
  const form = "application/x-www-form-urlencoded";
  const multipart = () => {
    const data = new FormData();
    data.append("identifier", new Blob(["x"]));
    return data;
  };
  const cases: readonly [string, RequestInit][] = [
    ["/sign-in", { method: "POST", headers: { "content-type": "application/json" }, body: "[1,2]" }],
    ["/sign-in", { method: "POST", headers: { "content-type": "application/json" }, body: "{bad" }],
    ["/sign-in", { method: "POST", headers: { "content-type": "text/plain" }, body: "hello" }],
    ["/sign-in", { method: "POST", headers: { "content-type": form }, body: "%zz=%zz&csrf=1" }],
    ["/sign-in", { method: "POST", body: multipart() }],
    ["/sign-in/two-factor", { method: "POST", headers: { "content-type": form }, body: "code=1" }],
    ["/accept-invitation/a%2Fb", {}],
    ["/reset-password?token=abc&token=def", {}],
    ["/verify-email?token=%00", {}],
    ["/verify-email?error=%3Cscript%3E", {}],
    ["/sign-in/provider/nope", {}],
    ["/sign-in?redirect_to=%zz", {}],
    ["/sign-in?lang[]=de", {}],
  ];
  for (const [path, init] of cases) {
    it(`${init.method ?? "GET"} ${path} ${String(init.body ?? "").slice(0, 12)} is an HTML page, not a 500`, async () => {
      const response = await t.request(path, init);
      expect(response.status).toBeLessThan(500);
      expect(response.headers.get("content-type")).toStartWith("text/html");
      expect(await response.text()).not.toContain("<script>");
    });
  }

  it("the language switcher returns only to a path on this host", async () => {
    for (const back of ["javascript:alert(1)", "//evil.example/", "https://evil.example/"]) {
      const response = await t.request(`/language?lang=de&return_to=${encodeURIComponent(back)}`);
      expect(response.status).toBe(303);
      expect(response.headers.get("location")).toBe("/sign-in");
    }
    const ok = await t.request("/language?lang=de&return_to=%2Fforgot-password");
    expect(ok.headers.get("location")).toBe("/forgot-password");
    expect(ok.headers.get("set-cookie")).toContain("locale=de");
  });
});
