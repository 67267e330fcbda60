/**
 * @elysiajs/openapi (its bundled @sinclair/typemap) registers TypeBox's `uuid` and `email` formats, for the whole
 * process, as functions that build a new Zod schema on every check: about 100 µs per value here, paid by every
 * validated id and e-mail address (a `GET /v1/users/{id}` answer checks its `id`). These are the same checks,
 * with the regular expressions of the Zod bundled in @elysiajs/openapi 1.4.16 (zod/v4/core/regexes.js `uuid()`
 * and `email`), compiled once. format-checks.test.ts compares them with the package's own on many values.
 */
import "@elysiajs/openapi";
import { FormatRegistry } from "@sinclair/typebox";

/** RFC 9562 UUIDs of versions 1–8, the nil and the max UUID. */
const UUID =
  /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;
const EMAIL =
  /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

export const CHEAP_FORMATS: Readonly<Record<string, (value: string) => boolean>> = {
  uuid: (value) => UUID.test(value),
  email: (value) => EMAIL.test(value),
};

/** The checks @elysiajs/openapi had registered, kept for the test that compares them with these. */
export const REPLACED_FORMATS: Readonly<Record<string, ((value: string) => boolean) | undefined>> =
  Object.fromEntries(Object.keys(CHEAP_FORMATS).map((name) => [name, FormatRegistry.Get(name)]));

// Runs after @elysiajs/openapi's own registration (imported above, so evaluated first), replacing it.
for (const [name, check] of Object.entries(CHEAP_FORMATS)) FormatRegistry.Set(name, check);
