/**
 * What a module hands the audit trail (src/identity/audit) for one event. Declared here, the lowest layer that
 * records events (better-auth's plugin, src/auth/plugins/audit.ts), so that auth and identity share one shape.
 * Never put a secret (password, token, code, key) into any field.
 */
export type AuditActorType = "user" | "apiKey" | "system";

export type AuditDetailValue = string | number | boolean | null | readonly string[];

export interface AuditEventInput {
  /** Dotted, past tense: `sign_in.succeeded`, `user.banned`, `policy.created`. */
  readonly type: string;
  readonly actorType?: AuditActorType | null;
  readonly actorId?: string | null;
  /** What was acted on: `user`, `policy`, `api_key`, `role`, `member`. */
  readonly subjectType?: string | null;
  readonly subjectId?: string | null;
  /** The tenant the event belongs to; null for platform-wide events (authentication, accounts). */
  readonly tenantId?: string | null;
  readonly ip?: string | null;
  readonly userAgent?: string | null;
  readonly details?: Readonly<Record<string, AuditDetailValue | undefined>>;
}

/** Stores one event; never throws (a failed write is logged with the whole event, so it is not lost). */
export type RecordAuditEvent = (event: AuditEventInput) => Promise<void>;
