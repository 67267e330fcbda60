import { describe, expect, it } from "bun:test";
import {
  closestLocale,
  localeOfRequest,
  parseAcceptLanguage,
  recipientLocale,
  resolveLocale,
} from "./negotiate.ts";

describe("closestLocale", () => {
  it.each([
    ["fr", "fr"],
    ["FR-ca", "fr"],
    ["de-AT", "de"],
    ["de_CH", "de"],
    ["pt", "pt-BR"],
    ["pt-PT", "pt-BR"],
    ["pt-br", "pt-BR"],
    ["zh", "zh-CN"],
    ["zh-Hans-CN", "zh-CN"],
    ["zh-TW", "zh-CN"],
    ["ja-JP", "ja"],
    ["en-GB", "en"],
    ["es-419", "es"],
  ])("maps %s to %s", (tag, locale) => {
    expect<string | undefined>(closestLocale(tag)).toBe(locale);
  });

  it.each(["", "  ", "xx", "nl-NL", "*", "../etc", "fr;q=1"])("finds nothing for %p", (tag) => {
    expect(closestLocale(tag)).toBeUndefined();
  });
});

describe("parseAcceptLanguage", () => {
  it("orders by q-value, keeps header order on ties and drops q=0 and *", () => {
    expect(parseAcceptLanguage("de;q=0.5, fr-CA, ja;q=0, *;q=0.1, es;q=0.5, en;q=0.9")).toEqual([
      "fr-CA",
      "en",
      "de",
      "es",
    ]);
  });

  it("ignores malformed q-values", () => {
    expect(parseAcceptLanguage("fr;q=abc, de;q=2, es")).toEqual(["es"]);
  });
});

describe("resolveLocale", () => {
  const defaultLocale = "en";

  it("prefers ?lang over the cookie, the user's preference and Accept-Language", () => {
    expect(
      resolveLocale({ query: "ja", cookie: "fr", user: "de", acceptLanguage: "es", defaultLocale }),
    ).toBe("ja");
  });

  it("prefers the cookie over the user's preference", () => {
    expect(resolveLocale({ cookie: "fr", user: "de", acceptLanguage: "es", defaultLocale })).toBe("fr");
  });

  it("prefers the user's preference over Accept-Language", () => {
    expect(resolveLocale({ user: "de", acceptLanguage: "es", defaultLocale })).toBe("de");
  });

  it("skips unsupported candidates instead of stopping at them", () => {
    expect(
      resolveLocale({ query: "xx", cookie: "nl", user: null, acceptLanguage: "sv, pt;q=0.8", defaultLocale }),
    ).toBe("pt-BR");
  });

  it("takes the first Accept-Language entry (by q) that maps to a supported locale", () => {
    expect(resolveLocale({ acceptLanguage: "nl;q=1, zh-TW;q=0.9, fr;q=0.8", defaultLocale })).toBe("zh-CN");
  });

  it("falls back to DEFAULT_LOCALE, mapped like any tag, and to English when it names nothing supported", () => {
    expect(resolveLocale({ defaultLocale: "de-DE" })).toBe("de");
    expect(resolveLocale({ acceptLanguage: "nl", defaultLocale: "ja" })).toBe("ja");
    expect(resolveLocale({ defaultLocale: "klingon" })).toBe("en");
  });
});

describe("localeOfRequest", () => {
  it("reads ?lang, the locale cookie and Accept-Language from the request", async () => {
    const request = (url: string, headers: Record<string, string> = {}) =>
      new Request(`http://localhost${url}`, { headers });
    const options = { defaultLocale: "en" };
    expect(await localeOfRequest(request("/x?lang=de"), options)).toBe("de");
    expect(await localeOfRequest(request("/x", { cookie: "a=1; locale=pt-BR; b=2" }), options)).toBe("pt-BR");
    expect(await localeOfRequest(request("/x", { "accept-language": "ja,en;q=0.5" }), options)).toBe("ja");
    expect(await localeOfRequest(request("/x"), options)).toBe("en");
  });

  it("asks for the user's preference only when ?lang and the cookie do not decide", async () => {
    let asked = 0;
    const userLocale = async () => {
      asked += 1;
      return "es";
    };
    const request = (url: string) =>
      new Request(`http://localhost${url}`, { headers: { "accept-language": "fr" } });
    expect(await localeOfRequest(request("/x?lang=de"), { defaultLocale: "en", userLocale })).toBe("de");
    expect(asked).toBe(0);
    expect(await localeOfRequest(request("/x"), { defaultLocale: "en", userLocale })).toBe("es");
    expect(asked).toBe(1);
  });
});

describe("recipientLocale", () => {
  const request = new Request("http://localhost/?lang=fr", { headers: { "accept-language": "de" } });

  it("uses the recipient's saved locale first", () => {
    expect(recipientLocale({ locale: "ja" }, request, "en")).toBe("ja");
    expect(recipientLocale({ locale: "pt" }, request, "en")).toBe("pt-BR");
  });

  it("falls back to the request, then to DEFAULT_LOCALE", () => {
    expect(recipientLocale({ locale: null }, request, "en")).toBe("fr");
    expect(recipientLocale({}, undefined, "es")).toBe("es");
  });
});
