import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.ts";
import { SUPPORTED_LOCALES } from "../../../i18n/locales.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function signUp(email: string, locale?: string): Promise<string> {
  const response = await t.request("/api/auth/sign-up/email", {
    json: { email, password: "password-123", name: "Test", ...(locale ? { locale } : {}) },
  });
  const body = (await response.json()) as { token?: string };
  if (!body.token) throw new Error(`sign-up failed: ${JSON.stringify(body)}`);
  return body.token;
}

describe("GET /i18n/test", () => {
  it("greets in the locale of Accept-Language", async () => {
    const response = await t.request("/i18n/test", {
      headers: { "accept-language": "de-AT,de;q=0.9,en;q=0.5" },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      locale: "de",
      language: "Deutsch",
      message: "Hallo! Gatehouse spricht Deutsch mit Ihnen.",
    });
  });

  it("lets ?lang win over the cookie and the cookie over Accept-Language", async () => {
    const headers = { cookie: "locale=ja", "accept-language": "fr" };
    expect(await (await t.request("/i18n/test?lang=pt", { headers })).json()).toMatchObject({
      locale: "pt-BR",
    });
    expect(await (await t.request("/i18n/test", { headers })).json()).toMatchObject({ locale: "ja" });
  });

  it("falls back to DEFAULT_LOCALE for unsupported languages", async () => {
    const response = await t.request("/i18n/test?lang=xx", { headers: { "accept-language": "nl" } });
    expect(await response.json()).toMatchObject({
      locale: "en",
      message: "Hello! Gatehouse is speaking English to you.",
    });
  });

  it("uses the signed-in user's saved preference when neither ?lang nor the cookie decide", async () => {
    const token = await signUp("saved-zh@example.com", "zh-CN");
    const response = await t.request("/i18n/test", { token, headers: { "accept-language": "fr" } });
    expect(await response.json()).toMatchObject({ locale: "zh-CN", language: "简体中文" });
  });
});

describe("GET /i18n/test-params", () => {
  it("interpolates the name and picks the plural form by each locale's rules", async () => {
    const get = async (lang: string, count: number) =>
      (await (await t.request(`/i18n/test-params?lang=${lang}&name=Ana&count=${count}`)).json()) as Record<
        string,
        unknown
      >;
    expect(await get("en", 1)).toEqual({
      locale: "en",
      name: "Ana",
      count: 1,
      plural_category: "one",
      welcome: "Welcome, Ana!",
      messages: "Ana, you have 1 new message.",
    });
    expect(await get("en", 0)).toMatchObject({
      plural_category: "other",
      messages: "Ana, you have 0 new messages.",
    });
    expect(await get("fr", 0)).toMatchObject({
      plural_category: "one",
      messages: "Ana, vous avez 0 nouveau message.",
    });
    expect(await get("fr", 1000000)).toMatchObject({
      plural_category: "many",
      messages: "Ana, vous avez 1000000 de nouveaux messages.",
    });
    expect(await get("de", 2)).toMatchObject({
      plural_category: "other",
      messages: "Ana, Sie haben 2 neue Nachrichten.",
    });
    expect(await get("ja", 1)).toMatchObject({ plural_category: "other", welcome: "ようこそ、Ana さん！" });
  });

  it.each(["count=-1", "count=1.5", "count=many", "name=", `name=${"x".repeat(101)}`])(
    "returns a localized 400 for %s",
    async (query) => {
      const response = await t.request(`/i18n/test-params?lang=es&${query}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        code: "invalid_request",
        message: "La solicitud está mal formada o incompleta",
      });
    },
  );
});

describe("POST /i18n/language", () => {
  it("sets the locale cookie, answers in the new language, and does not save without a session", async () => {
    const response = await t.request("/i18n/language", { json: { locale: "fr" } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      locale: "fr",
      message: "La langue est désormais le français.",
      saved: false,
    });
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toContain("locale=fr");
    const next = await t.request("/i18n/test", { headers: { cookie: "locale=fr" } });
    expect(await next.json()).toMatchObject({ locale: "fr" });
  });

  it("maps a close tag to the supported locale", async () => {
    const response = await t.request("/i18n/language", { json: { locale: "pt-PT" } });
    expect(await response.json()).toMatchObject({ locale: "pt-BR", message: "O idioma agora é português." });
  });

  it("saves the signed-in user's preference", async () => {
    const token = await signUp("saves-de@example.com");
    const response = await t.request("/i18n/language", { token, json: { locale: "de" } });
    expect(await response.json()).toMatchObject({ locale: "de", saved: true });
    const session = await t.request("/api/auth/get-session", { token });
    expect(((await session.json()) as { user: { locale: string } }).user.locale).toBe("de");
    // Without a cookie or ?lang, the saved preference now decides.
    const greeting = await t.request("/i18n/test", { token, headers: { "accept-language": "ja" } });
    expect(await greeting.json()).toMatchObject({ locale: "de" });
  });

  it("returns 400 listing the supported locales for an unsupported one, in the request's language", async () => {
    const response = await t.request("/i18n/language", {
      json: { locale: "klingon" },
      headers: { "accept-language": "es" },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; message: string; details: { locales: string[] } };
    expect(body.code).toBe("unsupported_locale");
    expect(body.message).toBe(`Idioma no admitido. Idiomas admitidos: ${SUPPORTED_LOCALES.join(", ")}`);
    expect(body.details.locales).toEqual([...SUPPORTED_LOCALES]);
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it("returns 400 for a body without a locale", async () => {
    const response = await t.request("/i18n/language", { json: {} });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "invalid_request" });
  });
});

describe("GET /i18n/type-safety", () => {
  it("lists every locale with full coverage and every key with its parameters", async () => {
    const response = await t.request("/i18n/type-safety");
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      source_locale: string;
      total_keys: number;
      locales: { locale: string; coverage: number; missing: string[]; plural_categories: string[] }[];
      keys: { key: string; params: string[]; plural: boolean }[];
    };
    expect(body.source_locale).toBe("en");
    expect(body.locales.map((l) => l.locale)).toEqual([...SUPPORTED_LOCALES]);
    for (const locale of body.locales) expect(locale).toMatchObject({ coverage: 1, missing: [] });
    expect(body.locales.find((l) => l.locale === "ja")?.plural_categories).toEqual(["other"]);
    expect(body.keys).toContainEqual({ key: "language.welcome", params: ["name"], plural: false });
    expect(body.keys).toContainEqual({ key: "auth.INVALID_EMAIL_OR_PASSWORD", params: [], plural: false });
    // Every better-auth code of the running instance is in the catalogue.
    const keys = new Set(body.keys.map((k) => k.key));
    const missing = Object.keys(t.deps.auth.$ERROR_CODES).filter((code) => !keys.has(`auth.${code}`));
    expect(missing).toEqual([]);
    expect(body.total_keys).toBe(body.keys.length);
  });
});
