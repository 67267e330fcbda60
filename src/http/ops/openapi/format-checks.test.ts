/**
 * The cheap `uuid` and `email` checks (format-checks.ts) accept exactly what @elysiajs/openapi's own did, and
 * they are the ones TypeBox (so every Elysia route) uses once the app is loaded.
 */
import { describe, expect, it } from "bun:test";
import { randomUUID } from "node:crypto";
import { FormatRegistry } from "@sinclair/typebox";
import { CHEAP_FORMATS, REPLACED_FORMATS } from "./format-checks.ts";

const UUIDS = [
  randomUUID(),
  randomUUID().toUpperCase(),
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
  "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
  "01890a5d-ac96-774b-bcce-b302099a8057",
  "123e4567-e89b-02d3-a456-426614174000",
  "123e4567-e89b-92d3-a456-426614174000",
  "123e4567-e89b-12d3-c456-426614174000",
  "123e4567e89b12d3a456426614174000",
  "123e4567-e89b-12d3-a456-42661417400",
  `${randomUUID()} `,
  `{${randomUUID()}}`,
  "g23e4567-e89b-12d3-a456-426614174000",
  "",
  "default",
];

const EMAILS = [
  "alice@example.com",
  "Alice.Smith+tag@sub.example.co.uk",
  "a_b-c'd@ex-ample.org",
  "o'brien@example.ie",
  ".alice@example.com",
  "alice.@example.com",
  "al..ice@example.com",
  "alice@example",
  "alice@-example.com",
  "alice@example.c",
  "alice@exa_mple.com",
  "alice@@example.com",
  "alice example@example.com",
  "ålice@example.com",
  "alice@exämple.com",
  "alice@example.com.",
  "@example.com",
  "alice@",
  "a@b.cd",
  "",
];

describe("format checks", () => {
  it("replaced @elysiajs/openapi's registration, for the whole process", () => {
    for (const name of Object.keys(CHEAP_FORMATS)) {
      expect(REPLACED_FORMATS[name]).toBeFunction();
      expect(FormatRegistry.Get(name)).toBe(CHEAP_FORMATS[name]);
    }
  });

  for (const [name, values] of [
    ["uuid", UUIDS],
    ["email", EMAILS],
  ] as const) {
    it(`${name}: the same verdict as the check it replaced, for every value`, () => {
      const cheap = CHEAP_FORMATS[name];
      const replaced = REPLACED_FORMATS[name];
      const verdicts = values.map((value) => [value, cheap?.(value)]);
      expect(verdicts).toEqual(values.map((value) => [value, replaced?.(value)]));
      // Both verdicts occur, so the comparison is not of two functions that accept everything.
      expect(new Set(verdicts.map(([, ok]) => ok))).toEqual(new Set([true, false]));
    });
  }
});
