import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createTestApp, type TestApp } from "../../test/helpers/test-app.ts";
import { buildCatalogue, placeholdersOf } from "./catalogue.ts";
import { defineLocale } from "./define.ts";
import { errorMessage, RESOURCES, SUPPORTED_LOCALES, t as translate } from "./index.ts";
import { en } from "./locales/en.ts";
import { PLURAL_CATEGORIES } from "./locales.ts";

/**
 * `locale:CODE` pairs whose translation may equal the English text because that is the correct wording there
 * (a product name, a code word the language borrows). Each entry is checked to still be identical.
 */
const IDENTICAL_IS_CORRECT: ReadonlySet<string> = new Set<string>([]);

let t: TestApp;
let codes: string[];
beforeAll(async () => {
  t = await createTestApp();
  codes = Object.keys(t.deps.auth.$ERROR_CODES);
});
afterAll(() => t.close());

type Tree = { readonly [key: string]: string | Tree };
function leaves(tree: Tree, prefix = ""): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === "string" ? [[`${prefix}${key}`, value]] : leaves(value, `${prefix}${key}.`),
  );
}

describe("better-auth error codes", () => {
  it("enumerates every code of every enabled plugin", () => {
    // admin, organization, two-factor, username and phone-number together define well over 150 codes.
    expect(codes.length).toBeGreaterThan(150);
    expect(codes).toContain("INVALID_EMAIL_OR_PASSWORD");
    expect(codes).toContain("YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER");
  });

  it("has a message for every code in every locale", () => {
    const missing = SUPPORTED_LOCALES.flatMap((locale) =>
      codes.filter((code) => !errorMessage(locale, code)).map((code) => `${locale}:${code}`),
    );
    expect(missing).toEqual([]);
  });

  it("translates every code: no locale falls back to the English text", () => {
    const untranslated = SUPPORTED_LOCALES.filter((locale) => locale !== "en").flatMap((locale) =>
      codes
        .filter((code) => errorMessage(locale, code) === errorMessage("en", code))
        .map((code) => `${locale}:${code}`)
        .filter((pair) => !IDENTICAL_IS_CORRECT.has(pair)),
    );
    expect(untranslated).toEqual([]);
  });

  it("keeps the allowlist honest: every allowlisted pair is still identical", () => {
    for (const pair of IDENTICAL_IS_CORRECT) {
      const [locale = "", code = ""] = pair.split(":");
      expect(SUPPORTED_LOCALES).toContain(locale as (typeof SUPPORTED_LOCALES)[number]);
      expect(errorMessage(locale as "fr", code)).toBe(errorMessage("en", code));
    }
  });

  it("words the English messages as better-auth does, so a message better-auth made specific is recognised", () => {
    const codesObject = t.deps.auth.$ERROR_CODES as Record<string, { message: string }>;
    const differing = codes.filter((code) => errorMessage("en", code) !== codesObject[code]?.message);
    expect(differing).toEqual([]);
  });
});

describe("resources", () => {
  it("declares the plural categories of each locale's CLDR rules", () => {
    for (const locale of SUPPORTED_LOCALES) {
      const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
      expect<string[]>([...PLURAL_CATEGORIES[locale]].sort()).toEqual([...categories].sort());
    }
  });

  it("uses the same placeholders as English in every locale (plural forms may drop {{count}})", () => {
    const english = new Map(leaves(en).map(([path, text]) => [path.replace(/_(one|other)$/, ""), text]));
    const wrong: string[] = [];
    for (const locale of SUPPORTED_LOCALES) {
      for (const [path, text] of leaves(RESOURCES[locale])) {
        const key = path.replace(/_(zero|one|two|few|many|other)$/, "");
        const expected = new Set(placeholdersOf(english.get(key) ?? ""));
        const plural = key !== path;
        if (plural) expected.add("count");
        const actual = new Set(placeholdersOf(text));
        const ok = plural
          ? [...actual].every((name) => expected.has(name))
          : actual.size === expected.size && [...actual].every((name) => expected.has(name));
        if (!ok) wrong.push(`${locale}:${path}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("picks plural forms by each locale's rules", () => {
    expect(translate("en", "language.messages", { name: "A", count: 1 })).toContain("1 new message.");
    expect(translate("en", "language.messages", { name: "A", count: 0 })).toContain("0 new messages.");
    // French treats 0 as singular and uses "de" with round millions; German does neither.
    expect(translate("fr", "language.messages", { name: "A", count: 0 })).toContain("0 nouveau message.");
    expect(translate("fr", "language.messages", { name: "A", count: 1_000_000 })).toContain(
      "1000000 de nouveaux messages",
    );
    expect(translate("de", "language.messages", { name: "A", count: 0 })).toContain("0 neue Nachrichten");
    expect(translate("ja", "language.messages", { name: "A", count: 1 })).toContain("1 件");
  });
});

describe("catalogue", () => {
  it("lists every key with its parameters and full coverage in every locale", () => {
    const catalogue = buildCatalogue();
    expect(catalogue.total_keys).toBe(catalogue.keys.length);
    expect(catalogue.keys).toContainEqual({
      key: "language.messages",
      params: ["name", "count"],
      plural: true,
    });
    expect(catalogue.keys).toContainEqual({
      key: "mail.invitation.subject",
      params: ["organization"],
      plural: false,
    });
    for (const coverage of catalogue.locales) {
      expect(coverage).toMatchObject({ keys: catalogue.total_keys, coverage: 1, missing: [] });
      expect(coverage.translated).toBe(catalogue.total_keys);
    }
  });
});

describe("types", () => {
  it("rejects unknown keys, missing or wrong parameters, and incomplete locales at compile time", () => {
    // Each line below must fail to type-check; `tsc --noEmit` fails if one of them starts compiling.
    // @ts-expect-error unknown key
    expect(translate("en", "language.nope")).toBe("language.nope");
    // @ts-expect-error plural keys are looked up without their suffix
    translate("en", "language.messages_one", { name: "A", count: 1 });
    // @ts-expect-error missing parameter `count`
    translate("en", "language.messages", { name: "A" });
    // @ts-expect-error misspelt parameter
    translate("en", "language.welcome", { nme: "A" });
    // @ts-expect-error a locale without the `many` form French plurals need (and nothing else)
    expect(() => defineLocale("fr")({ language: { messages_one: "", messages_other: "" } })).not.toThrow();
  });
});
