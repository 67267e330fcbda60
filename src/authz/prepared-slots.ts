/**
 * A least-recently-used map of tenants to a bounded set of Cedar policy-set slots. Cedar keeps every pre-parsed
 * set in process-wide wasm storage and has no call that frees one; re-preparsing under an id already in use
 * replaces it. So a node serving any number of tenants keeps at most `capacity` sets by giving each cached
 * tenant one of `capacity` slot ids, and handing the slot of the least recently used tenant to the next one.
 *
 * Every call is synchronous: a slot handed to another tenant is never read by a decision under way, because a
 * decision reads its tenant's entry and evaluates without awaiting in between.
 */
export interface SlotEntry<V> {
  readonly slot: string;
  readonly value: V;
}

export interface PreparedSlots<V> {
  /** The tenant's entry, marked as the most recently used. */
  get(tenantId: string): SlotEntry<V> | undefined;
  /** The tenant's entry without touching its recency. */
  peek(tenantId: string): SlotEntry<V> | undefined;
  /**
   * A slot to pre-parse this tenant's set into: its own, a never used one, or the least recently used tenant's,
   * which is then dropped (`onEvict` is told which). Follow with `set` or `release`.
   */
  claim(tenantId: string, onEvict: (tenantId: string) => void): string;
  set(tenantId: string, slot: string, value: V): void;
  /** Gives back a claimed slot that was not filled; the tenant (if it held it) is dropped. */
  release(tenantId: string, slot: string): void;
  readonly size: number;
  readonly capacity: number;
}

export function createPreparedSlots<V>(
  capacity: number,
  slotId: (index: number) => string,
): PreparedSlots<V> {
  if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`slot capacity must be ≥ 1: ${capacity}`);
  // Map iteration is insertion order: re-inserting on use keeps the least recently used first.
  const entries = new Map<string, SlotEntry<V>>();
  const free: string[] = [];
  let created = 0;

  return {
    get(tenantId) {
      const entry = entries.get(tenantId);
      if (entry) {
        entries.delete(tenantId);
        entries.set(tenantId, entry);
      }
      return entry;
    },
    peek: (tenantId) => entries.get(tenantId),
    claim(tenantId, onEvict) {
      const own = entries.get(tenantId);
      if (own) return own.slot;
      const spare = free.pop();
      if (spare !== undefined) return spare;
      if (created < capacity) return slotId(created++);
      const oldest = entries.keys().next();
      if (oldest.done) throw new Error("no policy-set slot left"); // unreachable: slots are set or released
      const evicted = entries.get(oldest.value) as SlotEntry<V>;
      entries.delete(oldest.value);
      onEvict(oldest.value);
      return evicted.slot;
    },
    set(tenantId, slot, value) {
      entries.delete(tenantId);
      entries.set(tenantId, { slot, value });
    },
    release(tenantId, slot) {
      if (entries.get(tenantId)?.slot === slot) entries.delete(tenantId);
      free.push(slot);
    },
    get size() {
      return entries.size;
    },
    capacity,
  };
}
