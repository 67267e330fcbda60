/**
 * Type-level checks of the resources. The English object (`as const`) is the source: its leaves give the keys,
 * and their `{{placeholders}}` give each key's parameters. A plural key is written `name_one`, `name_other`, …
 * and is looked up as `name` with a numeric `count`.
 */

import type { en } from "./locales/en.ts";
import type { Locale, PluralCategoryOf } from "./locales.ts";

export type Source = typeof en;

type PluralSuffix = "zero" | "one" | "two" | "few" | "many" | "other";

/** The parameter names of one message: `"Hi {{name}}, {{count}}"` → `"name" | "count"`. */
export type Placeholders<S extends string> = S extends `${string}{{${infer Raw}}}${infer Rest}`
  ? TrimFormat<Raw> | Placeholders<Rest>
  : never;
/** `{{count, number}}` names the parameter `count`. */
type TrimFormat<Raw extends string> = Raw extends `${infer Name},${string}` ? Trim<Name> : Trim<Raw>;
type Trim<S extends string> = S extends ` ${infer R}` ? Trim<R> : S extends `${infer R} ` ? Trim<R> : S;

type Join<Prefix extends string, Key extends string> = Prefix extends "" ? Key : `${Prefix}.${Key}`;

/** One entry per leaf: its lookup key (plural suffix removed), text and whether it is a plural form. */
type LeafEntries<T, Prefix extends string = ""> = {
  [K in keyof T & string]: T[K] extends string
    ? K extends `${infer Base}_${PluralSuffix}`
      ? { key: Join<Prefix, Base>; text: T[K]; plural: true }
      : { key: Join<Prefix, K>; text: T[K]; plural: false }
    : LeafEntries<T[K], Join<Prefix, K>>;
}[keyof T & string];

type Entry = LeafEntries<Source>;
export type TranslationKey = Entry["key"];

type ParamNames<K extends TranslationKey> =
  | Placeholders<Extract<Entry, { key: K }>["text"]>
  | (Extract<Entry, { key: K; plural: true }> extends never ? never : "count");

export type TranslationParams<K extends TranslationKey> = {
  readonly [P in ParamNames<K>]: P extends "count" ? number : string | number;
};

/** No argument for a message without parameters; the exact parameter object otherwise. */
export type ParamsArg<K extends TranslationKey> = [ParamNames<K>] extends [never]
  ? []
  : [params: TranslationParams<K>];

/** Keys of the top-level namespace N whose leaves are plain strings (error catalogues). */
export type CodesOf<N extends "auth" | "errors"> = keyof Source[N] & string;

/**
 * The resources of a locale: the source's shape with string leaves, each plural key in exactly the locale's
 * own plural categories (`de` has `_one`/`_other`, `fr` adds `_many`, `ja` only `_other`).
 */
export type LocaleResources<L extends Locale> = Shape<Source, PluralCategoryOf<L>>;
type Shape<T, Category extends string> = {
  readonly [K in keyof T & string as K extends `${infer Base}_${PluralSuffix}`
    ? `${Base}_${Category}`
    : K]: T[K] extends string ? string : Shape<T[K], Category>;
};

type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** The placeholders a leaf of a locale may use: the source's, plus `count` for every plural form. */
type ExpectedPlaceholders<S, K extends string> = K extends `${infer Base}_${PluralSuffix}`
  ?
      | {
          [P in keyof S & string]: P extends `${Base}_${PluralSuffix}` ? SourcePlaceholders<S[P]> : never;
        }[keyof S & string]
      | "count"
  : K extends keyof S
    ? SourcePlaceholders<S[K]>
    : never;
type SourcePlaceholders<V> = V extends string ? Placeholders<V> : never;

/**
 * Maps each leaf of a translation to `string` when its placeholders are right, else to a message type that
 * no literal can match — so `defineLocale` reports a misspelt or missing `{{parameter}}` as a type error.
 * A singular-ish plural form may leave `{{count}}` out ("un message"), never add an unknown one.
 */
export type CheckPlaceholders<R, S> = {
  readonly [K in keyof R & string]: R[K] extends string
    ? K extends `${string}_${PluralSuffix}`
      ? [Placeholders<R[K]>] extends [ExpectedPlaceholders<S, K>]
        ? string
        : `unknown placeholder; expected only {{${ExpectedPlaceholders<S, K>}}}`
      : K extends keyof S
        ? Equal<Placeholders<R[K]>, ExpectedPlaceholders<S, K>> extends true
          ? string
          : `placeholders must be exactly {{${ExpectedPlaceholders<S, K> & string}}}`
        : "not a key of the source locale"
    : K extends keyof S
      ? CheckPlaceholders<R[K], S[K]>
      : never;
};
