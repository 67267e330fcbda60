/**
 * The catalogue, generated from the typed resources themselves (so it cannot drift from them): every key with
 * its parameter names, and each locale's coverage — keys present with every plural form its rules need.
 */
import { RESOURCES } from "./index.ts";
import { en } from "./locales/en.ts";
import { type Locale, PLURAL_CATEGORIES, SOURCE_LOCALE, SUPPORTED_LOCALES } from "./locales.ts";

export interface CatalogueKey {
  readonly key: string;
  readonly params: string[];
  readonly plural: boolean;
}

export interface LocaleCoverage {
  readonly locale: Locale;
  readonly name: string;
  readonly plural_categories: string[];
  readonly keys: number;
  readonly translated: number;
  readonly coverage: number;
  readonly missing: string[];
}

export interface Catalogue {
  readonly source_locale: Locale;
  readonly locales: LocaleCoverage[];
  readonly total_keys: number;
  readonly keys: CatalogueKey[];
}

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;
const PLACEHOLDER = /\{\{\s*([^}\s,]+)[^}]*\}\}/g;

type Tree = { readonly [key: string]: string | Tree };

/** Leaves as `[path, text]`, path segments joined by dots. */
function leaves(tree: Tree, prefix = ""): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === "string" ? [[`${prefix}${key}`, value]] : leaves(value, `${prefix}${key}.`),
  );
}

export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? "");
}

function catalogueKeys(): CatalogueKey[] {
  const byKey = new Map<string, { params: Set<string>; plural: boolean }>();
  for (const [path, text] of leaves(en)) {
    const plural = PLURAL_SUFFIX.test(path);
    const key = path.replace(PLURAL_SUFFIX, "");
    const entry = byKey.get(key) ?? { params: new Set<string>(), plural };
    for (const name of placeholdersOf(text)) entry.params.add(name);
    if (plural) entry.params.add("count");
    byKey.set(key, entry);
  }
  return [...byKey].map(([key, { params, plural }]) => ({ key, params: [...params], plural }));
}

function coverageOf(locale: Locale, keys: readonly CatalogueKey[]): LocaleCoverage {
  const texts = new Map(leaves(RESOURCES[locale]));
  const english = new Map(leaves(en));
  const missing: string[] = [];
  let translated = 0;
  for (const { key, plural } of keys) {
    const paths = plural ? PLURAL_CATEGORIES[locale].map((category) => `${key}_${category}`) : [key];
    if (!paths.every((path) => (texts.get(path) ?? "") !== "")) {
      missing.push(key);
      continue;
    }
    const englishPaths = plural ? [`${key}_other`] : [key];
    const sample = texts.get(paths[paths.length - 1] ?? key);
    if (locale === SOURCE_LOCALE || sample !== english.get(englishPaths[0] ?? key)) translated += 1;
  }
  const present = keys.length - missing.length;
  return {
    locale,
    name: RESOURCES[locale].language.name,
    plural_categories: [...PLURAL_CATEGORIES[locale]],
    keys: present,
    translated,
    coverage: keys.length === 0 ? 1 : present / keys.length,
    missing,
  };
}

export function buildCatalogue(): Catalogue {
  const keys = catalogueKeys();
  return {
    source_locale: SOURCE_LOCALE,
    locales: SUPPORTED_LOCALES.map((locale) => coverageOf(locale, keys)),
    total_keys: keys.length,
    keys,
  };
}
