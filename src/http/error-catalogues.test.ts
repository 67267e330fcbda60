/**
 * The error catalogues (src/platform/errors.ts `defineErrors`, src/i18n/app-errors.ts `defineAppErrors`): every
 * localized code has a message in every locale, a factory raises its code with its status, and a code no
 * locale knows does not compile (the `@ts-expect-error` lines fail `npm run typecheck` if it ever does).
 */
import { describe, expect, it } from "bun:test";
import { defineAppErrors } from "../i18n/app-errors.ts";
import { errorMessage, SUPPORTED_LOCALES } from "../i18n/index.ts";
import { AccountErrorCodes } from "../identity/accounts/errors.ts";
import { V1ErrorCodes } from "../identity/errors.ts";
import { AppError, defineErrors } from "../platform/errors.ts";
import { HASURA_ERRORS } from "./hasura/errors.ts";
import { CacheErrors } from "./ops/cache/errors.ts";
import { OpsAccessErrors } from "./ops/health/errors.ts";
import { I18nErrors } from "./ops/i18n/errors.ts";
import { PipelineErrors } from "./pipeline/error-renderer.ts";
import { RateLimitErrors } from "./pipeline/rate-limit/errors.ts";

const LOCALIZED = {
  V1ErrorCodes,
  AccountErrorCodes,
  CacheErrors,
  RateLimitErrors,
  PipelineErrors,
  OpsAccessErrors,
  I18nErrors,
};

describe("localized error catalogues", () => {
  it("have a message for every code in every locale, translated outside English", () => {
    const missing: string[] = [];
    for (const [name, catalogue] of Object.entries(LOCALIZED)) {
      for (const code of Object.keys(catalogue.specs)) {
        for (const locale of SUPPORTED_LOCALES) {
          const message = errorMessage(locale, code);
          if (!message || (locale !== "en" && message === errorMessage("en", code))) {
            missing.push(`${name}.${code} in ${locale}`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it("raise their code with its status and the catalogue's English message", () => {
    const error = V1ErrorCodes.role_in_use({ details: { holders: 2 } });
    expect(error).toBeInstanceOf(AppError);
    expect([error.code, error.status, error.message, error.details]).toEqual([
      "role_in_use",
      409,
      errorMessage("en", "role_in_use"),
      { holders: 2 },
    ]);
  });

  it("refuse a code no locale knows at compile time", () => {
    // @ts-expect-error: `no_such_code` is not a key of the errors catalogue (src/i18n/locales/en.ts).
    const catalogue = defineAppErrors({ not_found: { status: 404 }, no_such_code: { status: 400 } });
    // @ts-expect-error: a catalogue has factories only for the codes it declares.
    expect(() => catalogue.unknown_code()).toThrow();
  });
});

describe("dialect catalogues", () => {
  it("keep their wire codes, statuses and words", () => {
    const error = HASURA_ERRORS["invalid-args"]();
    expect([error.code, error.status, error.message]).toEqual(["invalid-args", 400, "invalid arguments"]);
    const custom = defineErrors({ "x-y": { status: 418, message: "teapot" } })["x-y"]({ message: "pot" });
    expect([custom.code, custom.status, custom.message]).toEqual(["x-y", 418, "pot"]);
  });
});
