/**
 * The in-memory view of outstanding invalidations (invalidations.ts), which every cache read consults: what a
 * read of an invalidated key becomes, how revocation markers combine, and that a poll of the database cannot
 * drop an invalidation recorded while the poll was under way.
 */
import { describe, expect, it } from "bun:test";
import { createInvalidationView, type Invalidation, MAX_OUTSTANDING } from "./invalidations.ts";

const MARKER = "revoked-sessions-before-u1";

function row(id: string, key: string, kind: Invalidation["kind"] = "delete", value: string | null = null) {
  return { id, key, kind, value, ttlSeconds: kind === "marker" ? 604800 : null } satisfies Invalidation;
}

describe("the invalidation view", () => {
  it("reads an invalidated key as a miss and leaves other keys alone", () => {
    const view = createInvalidationView();
    view.add(row("1", "token-a"));
    expect(view.filter("token-a", "cached session")).toBeNull();
    expect(view.filter("token-b", "cached session")).toBe("cached session");
  });

  it("reads a revocation marker as at least the latest recorded time, never as deleted", () => {
    const view = createInvalidationView();
    view.add(row("1", MARKER, "marker", "2000"));
    view.add(row("2", MARKER, "marker", "1000"));
    view.add(row("3", MARKER, "delete"));
    expect(view.filter(MARKER, null)).toBe("2000");
    expect(view.filter(MARKER, "1500")).toBe("2000");
    expect(view.filter(MARKER, "3000")).toBe("3000");
    expect(view.outstanding()).toEqual([
      { key: MARKER, kind: "marker", value: "2000", ttlSeconds: 604800, ids: ["1", "2", "3"] },
    ]);
  });

  it("forgets a key only when every invalidation of it is drained", () => {
    const view = createInvalidationView();
    view.add(row("1", "token-a"));
    view.add(row("2", "token-a"));
    view.remove(["1"]);
    expect(view.filter("token-a", "v")).toBeNull();
    view.remove(["2"]);
    expect(view.filter("token-a", "v")).toBe("v");
    expect(view.size()).toBe(0);
  });

  it("keeps what was added after a poll began although the poll did not see it", () => {
    const view = createInvalidationView();
    view.add(row("old", "token-a"));
    view.add(row("drained", "token-b"));
    const since = view.mark();
    view.add(row("new", "token-c"));
    view.retainOnly(new Set(["old"]), since);
    expect(view.filter("token-a", "v")).toBeNull();
    expect(view.filter("token-b", "v")).toBe("v");
    expect(view.filter("token-c", "v")).toBeNull();
  });

  it("beyond the keys it can track, reads every key as a miss until drained", () => {
    const view = createInvalidationView();
    for (let i = 0; i <= MAX_OUTSTANDING; i++) view.add(row(String(i), `token-${i}`));
    expect(view.flooded()).toBe(true);
    expect(view.filter("never-invalidated", "v")).toBeNull();
    view.remove(view.outstanding().flatMap((entry) => entry.ids));
    expect(view.flooded()).toBe(false);
    expect(view.filter("never-invalidated", "v")).toBe("v");
  });
});
