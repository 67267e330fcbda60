/** Refusals of the platform-admin routes of ops (health details, cache, i18n), by code (the i18n key). */
import { defineAppErrors } from "../../../i18n/app-errors.ts";

export const OpsAccessErrors = defineAppErrors({
  unauthenticated: { status: 401 },
  forbidden: { status: 403 },
});
