/**
 * Who reads which audit events, decided by Cedar: `audit.list` gives the request tenant's events (tenant owners
 * and admins), `audit.listAll` every event of the platform, including the authentication events that belong to
 * no tenant (platform admins only).
 */
import type { V1Context } from "../context.ts";
import type { Guard } from "../guard.ts";
import type { StoredEvent } from "./chain.ts";
import { AuditErrors } from "./errors.ts";
import type { AuditService } from "./service.ts";

/** The largest page: enough for an admin screen, small enough to keep one request cheap. */
export const AUDIT_LIST_LIMIT_MAX = 200;

export interface AuditListQuery {
  readonly scope: "tenant" | "all";
  readonly types?: readonly string[];
  readonly actorId?: string;
  readonly subjectId?: string;
  readonly from?: string;
  readonly to?: string;
  readonly cursor?: string;
  readonly limit: number;
}

export interface AuditPage {
  readonly data: StoredEvent[];
  readonly nextCursor: string | null;
}

function encodeCursor(seq: number): string {
  return Buffer.from(`s${seq}`).toString("base64url");
}

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const seq = /^s(\d{1,15})$/.exec(text)?.[1];
  if (!seq) throw AuditErrors.invalidCursor();
  return Number(seq);
}

function parseTime(value: string | undefined, field: "from" | "to"): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  // Date.parse accepts more than ISO 8601; ask for a date at least, so "1" is not read as the year 2001.
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) throw AuditErrors.invalidTime(field);
  return date;
}

export function createAuditReader(deps: { audit: AuditService; authorize: Guard }) {
  return {
    async list(ctx: V1Context, query: AuditListQuery): Promise<AuditPage> {
      const action = query.scope === "all" ? "audit.listAll" : "audit.list";
      await deps.authorize(ctx, (actor) => ({
        principal: actor,
        action,
        resource: { type: "Tenant", id: ctx.tenant.id },
      }));
      for (const [field, value] of Object.entries({
        type: query.types?.join(","),
        actor: query.actorId,
        subject: query.subjectId,
      })) {
        // No stored value holds NUL (service.ts replaces it), and PostgreSQL refuses it as a parameter.
        if (value?.includes("\u0000")) throw AuditErrors.invalidFilter(field);
      }
      const from = parseTime(query.from, "from");
      const to = parseTime(query.to, "to");
      if (from && to && from >= to) throw AuditErrors.emptyRange();
      const limit = query.limit;
      if (!Number.isInteger(limit) || limit < 1 || limit > AUDIT_LIST_LIMIT_MAX)
        throw AuditErrors.invalidLimit();
      // One more than asked tells whether another page follows.
      const rows = await deps.audit.list({
        ...(query.scope === "all" ? {} : { tenantId: ctx.tenant.id }),
        ...(query.types?.length ? { types: query.types } : {}),
        ...(query.actorId ? { actorId: query.actorId } : {}),
        ...(query.subjectId ? { subjectId: query.subjectId } : {}),
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        ...(query.cursor ? { beforeSeq: decodeCursor(query.cursor) } : {}),
        limit: limit + 1,
      });
      const data = rows.slice(0, limit);
      const last = data.at(-1);
      return { data, nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null };
    },
  };
}

export type AuditReader = ReturnType<typeof createAuditReader>;
