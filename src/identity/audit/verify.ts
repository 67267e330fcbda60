/** Walks the whole audit chain in order and reports the first broken link (or that every link holds). */
import { type ChainBreak, checkLink, type StoredEvent } from "./chain.ts";
import type { AuditService } from "./service.ts";

// Bounded memory however long the trail: the walk reads the chain in pages of this many events.
const BATCH = 1000;

export type ChainReport =
  | {
      readonly ok: true;
      readonly events: number;
      readonly firstSeq: number | null;
      readonly lastSeq: number | null;
    }
  | ({ readonly ok: false; readonly events: number } & ChainBreak);

export async function verifyAuditChain(audit: Pick<AuditService, "walk">): Promise<ChainReport> {
  let previous: StoredEvent | null = null;
  let firstSeq: number | null = null;
  let events = 0;
  for (;;) {
    const page = await audit.walk(previous?.seq ?? 0, BATCH);
    if (page.length === 0) break;
    for (const event of page) {
      const broken = checkLink(previous, event);
      if (broken) return { ok: false, events, ...broken };
      firstSeq ??= event.seq;
      previous = event;
      events++;
    }
  }
  return { ok: true, events, firstSeq, lastSeq: previous?.seq ?? null };
}
