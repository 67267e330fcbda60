/** Refusals of the cache routes, by code (the contract; the code is the i18n key, src/i18n/app-errors.ts). */
import { defineAppErrors } from "../../../i18n/app-errors.ts";

export const CacheErrors = defineAppErrors({
  cache_unavailable: { status: 503 },
});

export const cacheUnavailable = () => CacheErrors.cache_unavailable();
