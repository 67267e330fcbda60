/**
 * The in-process cache drops entries that expired without being read again (src/platform/cache/memory.ts), so a
 * long-running node does not hold dead rate-limit windows and codes until the size bound pushes them out.
 */
import { describe, expect, it } from "bun:test";
import { createMemoryCache } from "./memory.ts";

describe("the in-process cache over time", () => {
  it("frees the room of entries that expired unread, at the next write a minute later", async () => {
    let now = 1_000_000;
    const cache = createMemoryCache({ now: () => now });
    for (let i = 0; i < 1000; i++) await cache.set(`rate:10.0.0.${i}`, "1", 10);
    await cache.set("session", "live", 3600);
    const full = (await cache.info()).memoryBytes ?? 0;
    expect(full).toBeGreaterThan(0);

    now += 61_000;
    await cache.set("another", "x", 3600);

    const after = (await cache.info()).memoryBytes ?? 0;
    expect(after).toBeLessThan(full / 10);
    expect(await cache.get("session")).toBe("live");
    expect((await cache.scan("rate:", 10)).keys).toEqual([]);
    // Dropped because they expired, not for lack of room.
    expect((await cache.info()).evictions).toBe(0);
  });
});
