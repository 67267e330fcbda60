import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createAuthClient } from "better-auth/client";
import { createTestApp, type TestApp } from "../../test/helpers/test-app.ts";
import { localizeAuthError } from "./auth-errors.ts";

let t: TestApp;
let ipCounter = 0;
/** A fresh client address per test: the rate limiter is on here and counts per address. */
const nextIp = () => `10.0.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

beforeAll(async () => {
  t = await createTestApp({ env: { RATE_LIMIT_ENABLED: "true" } });
  await t.listen();
  const response = await t.request("/api/auth/sign-up/email", {
    ip: nextIp(),
    json: { email: "known@example.com", password: "password-123", name: "Known" },
  });
  expect(response.status).toBe(200);
});
afterAll(() => t.close());

const wrongPassword = { email: "known@example.com", password: "not-the-password" };

describe("better-auth error bodies", () => {
  it("returns a wrong-password sign-in in French with Accept-Language: fr, status and code unchanged", async () => {
    const response = await t.request("/api/auth/sign-in/email", {
      ip: nextIp(),
      json: wrongPassword,
      headers: { "accept-language": "fr-FR,fr;q=0.9,en;q=0.8" },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      code: "INVALID_EMAIL_OR_PASSWORD",
      message: "Adresse e-mail ou mot de passe incorrect",
    });
  });

  it("returns it in German with ?lang=de, through the better-auth client", async () => {
    const client = createAuthClient({ baseURL: `${t.baseUrl}/api/auth` });
    const { error } = await client.signIn.email(wrongPassword, { query: { lang: "de" } });
    expect(error?.status).toBe(401);
    expect(error?.code).toBe("INVALID_EMAIL_OR_PASSWORD");
    expect(error?.message).toBe("Ungültige E-Mail-Adresse oder ungültiges Passwort");
  });

  it("leaves English bodies as better-auth words them", async () => {
    const response = await t.request("/api/auth/sign-in/email", { ip: nextIp(), json: wrongPassword });
    expect(await response.json()).toEqual({
      code: "INVALID_EMAIL_OR_PASSWORD",
      message: "Invalid email or password",
    });
  });

  it("translates a validation error and keeps better-auth's specifics in `detail`", async () => {
    const response = await t.request("/api/auth/sign-up/email?lang=ja", {
      ip: nextIp(),
      json: { email: "incomplete@example.com" },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; message: string; detail: string };
    expect(body.code).toBe("VALIDATION_ERROR");
    expect(body.message).toBe("検証エラー");
    expect(body.detail).toContain("password");
  });

  it("uses the signed-in user's saved locale when the request names none", async () => {
    const signUp = await t.request("/api/auth/sign-up/email", {
      ip: nextIp(),
      json: { email: "pt@example.com", password: "password-123", name: "Pt", locale: "pt-BR" },
    });
    const { token } = (await signUp.json()) as { token: string };
    const response = await t.request("/api/auth/change-password", {
      ip: nextIp(),
      token,
      json: { currentPassword: "wrong-password-1", newPassword: "password-456" },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "INVALID_PASSWORD", message: "Senha inválida" });
  });

  it("answers the limiter's 429 with a code and Retry-After", async () => {
    const ip = nextIp();
    let response: Response | undefined;
    // The sign-in rule allows a handful of tries per window; the next one is refused.
    for (let i = 0; i < 10; i++) {
      response = await t.request("/api/auth/sign-in/email", { ip, json: wrongPassword });
      if (response.status === 429) break;
    }
    expect(response?.status).toBe(429);
    expect(response?.headers.get("x-retry-after")).toMatch(/^\d+$/);
    expect(await response?.json()).toMatchObject({ code: "RATE_LIMITED" });
  });
});

describe("localizeAuthError", () => {
  const zh = new Request("http://localhost/api/auth/sign-in/email", {
    headers: { "accept-language": "zh-CN" },
  });
  const resolve = () => Promise.resolve("zh-CN" as const);

  it("gives better-auth's code-less 429 a code and a localized message, keeping status and headers", async () => {
    // better-auth's limiter answers exactly this (better-auth/dist/api/rate-limiter).
    const limited = new Response(JSON.stringify({ message: "Too many requests. Please try again later." }), {
      status: 429,
      headers: { "content-type": "application/json", "x-retry-after": "7" },
    });
    const response = await localizeAuthError(limited, zh, resolve);
    expect(response?.status).toBe(429);
    expect(response?.headers.get("x-retry-after")).toBe("7");
    expect(await response?.json()).toEqual({ code: "RATE_LIMITED", message: "请求过多，请稍后再试。" });
  });

  it("leaves successes and non-JSON answers alone", async () => {
    expect(await localizeAuthError(Response.json({ ok: true }), zh, resolve)).toBeUndefined();
    const html = new Response("<p>error</p>", { status: 400, headers: { "content-type": "text/html" } });
    expect(await localizeAuthError(html, zh, resolve)).toBeUndefined();
  });
});

describe("Gatehouse error bodies", () => {
  it("localizes a 404 by its code", async () => {
    const response = await t.request("/no/such/route", { headers: { "accept-language": "es" } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      code: "not_found",
      error: "not_found",
      message: "No encontrado",
    });
  });

  it("keeps the thrower's English wording in English", async () => {
    const response = await t.request("/no/such/route");
    expect(await response.json()).toMatchObject({ code: "not_found", message: "No such route" });
  });

  it("localizes the 413 of an oversized body with its limit", async () => {
    const response = await t.request("/api/auth/sign-in/email?lang=de", {
      ip: nextIp(),
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(t.config.maxBodyBytes + 1) },
      body: "{}",
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      code: "PAYLOAD_TOO_LARGE",
      message: `Der Anfragetext überschreitet ${t.config.maxBodyBytes} Bytes`,
    });
  });
});
