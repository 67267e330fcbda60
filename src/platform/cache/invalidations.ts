/**
 * Outstanding cache invalidations: writes and deletes that could not reach the store (Redis), which the cache
 * must not forget until some node has applied them, because until then the store may still hold a revoked
 * session or a stale user.
 *
 * The log keeps, in memory, a view of every outstanding invalidation — the hot path of every cache read asks
 * only this view (`filter`), never the database. Two implementations share it: the in-memory log below (the
 * cache without Redis, or tests of the managed cache alone) and the database-backed one of
 * invalidations-db.ts, which survives a restart and reaches every node sharing the database.
 */

/** `delete`: the key must be removed; `marker`: better-auth's revocation marker must hold at least `value`. */
export type InvalidationKind = "delete" | "marker";

export interface Invalidation {
  readonly id: string;
  readonly key: string;
  readonly kind: InvalidationKind;
  readonly value: string | null;
  readonly ttlSeconds: number | null;
}

/** All outstanding invalidations of one key, aggregated: what applying them to the store must do. */
export interface OutstandingKey {
  readonly key: string;
  readonly kind: InvalidationKind;
  /** For a marker: the latest revocation time (ms) recorded for the key. */
  readonly value: string | null;
  readonly ttlSeconds: number | null;
  readonly ids: readonly string[];
}

export interface InvalidationLog {
  /**
   * Records an invalidation the store could not take; durable (where the log is) before it resolves. With
   * `confirm`, it also waits (boundedly) until some node has applied it to the store: for revocations, whose
   * answer must not reach the client while another node could still find the session in Redis.
   */
  record(entry: {
    key: string;
    kind: InvalidationKind;
    value?: string;
    ttlSeconds?: number;
    confirm?: boolean;
  }): Promise<void>;
  /**
   * What a value read from the store for `key` must be taken as: a key with an outstanding delete is a miss,
   * a revocation marker is at least its outstanding value; with too many outstanding keys to track, every read
   * is a miss (the store is then cleared by whoever drains). Memory only: this is every cache read's path.
   */
  filter(key: string, stored: string | null): string | null;
  outstanding(): readonly OutstandingKey[];
  /** More outstanding keys than the log tracks: the drainer clears the whole store instead. */
  flooded(): boolean;
  size(): number;
  /** These invalidations were applied to the store: forget them (everywhere). */
  drained(ids: readonly string[]): Promise<void>;
  /** Called when invalidations arrive from elsewhere (another node, the database), so they can be drained. */
  onArrival(listener: () => void): void;
  /** Loads what is outstanding and starts following it (the database-backed log; after migrations). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Beyond this many outstanding keys, the whole deployment prefix is cleared instead of key by key. */
export const MAX_OUTSTANDING = 10_000;
// better-auth (internal-adapter): a user's sessions created before this time (ms) are revoked.
export const REVOCATION_MARKER = "revoked-sessions-before-";

interface Entry {
  kind: InvalidationKind;
  value: string | null;
  ttlSeconds: number | null;
  /** id → the view's sequence number when it was added (see `retainOnly`). */
  readonly ids: Map<string, number>;
}

export interface InvalidationView {
  /** False when it was already there (or there is no room for another key). */
  add(invalidation: Invalidation): boolean;
  remove(ids: Iterable<string>): void;
  /**
   * Makes the view what the database holds: rows missing from `ids` are gone (drained), unless they were added
   * at or after `since` (the read began before they were committed).
   */
  retainOnly(ids: ReadonlySet<string>, since: number): void;
  /** The current sequence number, taken before a read of the database. */
  mark(): number;
  has(id: string): boolean;
  filter(key: string, stored: string | null): string | null;
  outstanding(): OutstandingKey[];
  setOverflow(overflow: boolean): void;
  flooded(): boolean;
  size(): number;
}

export function createInvalidationView(): InvalidationView {
  const byKey = new Map<string, Entry>();
  const keyOf = new Map<string, string>();
  let seq = 0;
  let overflow = false;

  const view: InvalidationView = {
    add(invalidation) {
      if (keyOf.has(invalidation.id)) return false;
      let entry = byKey.get(invalidation.key);
      if (!entry) {
        if (byKey.size >= MAX_OUTSTANDING) {
          overflow = true;
          return false;
        }
        entry = { kind: "delete", value: null, ttlSeconds: null, ids: new Map() };
        byKey.set(invalidation.key, entry);
      }
      // A marker is never deleted (that would un-revoke): it only moves to the later time.
      if (invalidation.kind === "marker" && Number(invalidation.value) > (Number(entry.value) || 0)) {
        entry.kind = "marker";
        entry.value = invalidation.value;
        entry.ttlSeconds = invalidation.ttlSeconds;
      }
      entry.ids.set(invalidation.id, seq++);
      keyOf.set(invalidation.id, invalidation.key);
      return true;
    },
    remove(ids) {
      for (const id of ids) {
        const key = keyOf.get(id);
        if (key === undefined) continue;
        keyOf.delete(id);
        const entry = byKey.get(key);
        entry?.ids.delete(id);
        if (entry && entry.ids.size === 0) byKey.delete(key);
      }
      if (byKey.size === 0) overflow = false;
    },
    retainOnly(ids, since) {
      const gone: string[] = [];
      for (const entry of byKey.values()) {
        for (const [id, added] of entry.ids) if (added < since && !ids.has(id)) gone.push(id);
      }
      view.remove(gone);
    },
    mark: () => seq,
    has: (id) => keyOf.has(id),
    filter(key, stored) {
      if (byKey.size === 0 && !overflow) return stored;
      if (overflow) return null;
      const entry = byKey.get(key);
      if (!entry) return stored;
      if (entry.kind === "delete") return null;
      return Number(entry.value) > (Number(stored) || 0) ? entry.value : stored;
    },
    outstanding: () =>
      [...byKey].map(([key, entry]) => ({
        key,
        kind: entry.kind,
        value: entry.value,
        ttlSeconds: entry.ttlSeconds,
        ids: [...entry.ids.keys()],
      })),
    setOverflow(value) {
      overflow = value;
    },
    flooded: () => overflow,
    size: () => byKey.size,
  };
  return view;
}

/** The log of one process: what this node failed to invalidate, lost with the process (no Redis, or tests). */
export function createMemoryInvalidationLog(): InvalidationLog {
  const view = createInvalidationView();
  let next = 0;
  return {
    async record(entry) {
      view.add({
        id: String(next++),
        key: entry.key,
        kind: entry.kind,
        value: entry.value ?? null,
        ttlSeconds: entry.ttlSeconds ?? null,
      });
    },
    filter: view.filter,
    outstanding: view.outstanding,
    flooded: view.flooded,
    size: view.size,
    async drained(ids) {
      view.remove(ids);
    },
    onArrival() {},
    async start() {},
    async close() {},
  };
}
