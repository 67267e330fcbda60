/** Refusals of the audit trail's reader; all are the native API's `invalid_request` with the field named. */
import { V1Errors } from "../errors.ts";

export const AuditErrors = {
  invalidCursor: () => V1Errors.invalidRequest("The cursor is not valid", { field: "cursor" }),
  invalidTime: (field: "from" | "to") =>
    V1Errors.invalidRequest(`${field} must be an ISO 8601 date-time`, { field }),
  invalidFilter: (field: string) => V1Errors.invalidRequest(`${field} must not contain NUL`, { field }),
  invalidLimit: () => V1Errors.invalidRequest("limit must be an integer from 1 to 200", { field: "limit" }),
  emptyRange: () => V1Errors.invalidRequest("from must be earlier than to", { field: "from" }),
} as const;
