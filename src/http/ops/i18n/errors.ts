/** Refusals of the i18n routes, by code (the i18n key, src/i18n/app-errors.ts). */
import { defineAppErrors } from "../../../i18n/app-errors.ts";

export const I18nErrors = defineAppErrors({
  unsupported_locale: { status: 400 },
});
