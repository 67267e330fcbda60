/**
 * The hash chain of the audit trail: every event's `hash` is SHA-256 over the previous event's hash and the
 * event's canonical text, so changing, inserting or deleting a stored event breaks every later link. Pure
 * functions, shared by the writer (service.ts) and the verifier (verify.ts).
 */
import { createHash } from "node:crypto";

/** The `prevHash` of the first event ever written. */
export const GENESIS_HASH = "0".repeat(64);

/** An event as stored: exactly the columns the hash covers (plus the hash itself). */
export interface ChainedEvent {
  readonly seq: number;
  readonly id: string;
  readonly occurredAt: Date;
  readonly type: string;
  readonly actorType: string | null;
  readonly actorId: string | null;
  readonly subjectType: string | null;
  readonly subjectId: string | null;
  readonly tenantId: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** Canonical JSON text (keys sorted), or null. */
  readonly details: string | null;
  readonly prevHash: string;
}

export interface StoredEvent extends ChainedEvent {
  readonly hash: string;
}

/** A fixed-order array, so the text never depends on how an object's keys happen to be ordered. */
export function canonicalEvent(event: ChainedEvent): string {
  return JSON.stringify([
    event.seq,
    event.id,
    event.occurredAt.toISOString(),
    event.type,
    event.actorType,
    event.actorId,
    event.subjectType,
    event.subjectId,
    event.tenantId,
    event.ip,
    event.userAgent,
    event.details,
  ]);
}

export function chainHash(event: ChainedEvent): string {
  return createHash("sha256").update(event.prevHash).update(canonicalEvent(event)).digest("hex");
}

/** JSON with sorted keys and undefined values left out: the same details always give the same text. */
export function canonicalDetails(details: Readonly<Record<string, unknown>> | undefined): string | null {
  if (!details) return null;
  const entries = Object.entries(details)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? null : JSON.stringify(Object.fromEntries(entries));
}

export type ChainBreak = { readonly seq: number; readonly reason: "hash" | "link" | "gap" };

/**
 * Checks one event against its predecessor in the chain (null for the oldest event kept: retention deletes
 * the oldest events, so the oldest kept one's prevHash is taken as the anchor).
 */
export function checkLink(previous: StoredEvent | null, event: StoredEvent): ChainBreak | null {
  if (previous && event.seq !== previous.seq + 1) return { seq: event.seq, reason: "gap" };
  if (previous && event.prevHash !== previous.hash) return { seq: event.seq, reason: "link" };
  if (event.hash !== chainHash(event)) return { seq: event.seq, reason: "hash" };
  return null;
}
