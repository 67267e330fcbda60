/** Refusals of the cache routes, by code (the contract; i18n translates by code). */
import { AppError } from "../../../platform/errors.ts";

export const CACHE_ERROR_CODES = {
  cache_unavailable: "The cache does not answer; try again when it is back",
} as const;

export const cacheUnavailable = () =>
  new AppError("cache_unavailable", 503, CACHE_ERROR_CODES.cache_unavailable);
