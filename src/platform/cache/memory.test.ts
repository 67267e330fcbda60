import { describe, expect, it } from "bun:test";
import { createMemoryCache } from "./memory.ts";

describe("the in-process cache", () => {
  it("evicts the least recently used entry beyond maxEntries and reports it", async () => {
    const evicted: string[] = [];
    const cache = createMemoryCache({ maxEntries: 2, onEvict: (key) => evicted.push(key) });
    await cache.set("a", "1");
    await cache.set("b", "2");
    expect(await cache.get("a")).toBe("1"); // a is now more recent than b
    await cache.set("c", "3");
    expect(evicted).toEqual(["b"]);
    expect(await cache.get("b")).toBeNull();
    expect(await cache.get("a")).toBe("1");
    expect((await cache.info()).evictions).toBe(1);
  });

  it("evicts beyond maxBytes, however few the entries", async () => {
    const cache = createMemoryCache({ maxEntries: 1000, maxBytes: 10_000 });
    const big = "x".repeat(2000); // ~4 KB as UTF-16
    await cache.set("one", big);
    await cache.set("two", big);
    await cache.set("three", big);
    expect(await cache.get("one")).toBeNull();
    expect(await cache.get("three")).toBe(big);
    expect((await cache.info()).memoryBytes).toBeLessThanOrEqual(10_000);
  });

  it("expires entries after their TTL and reports the time left", async () => {
    let now = 1_000_000;
    const cache = createMemoryCache({ now: () => now });
    await cache.set("k", "v", 10);
    expect(await cache.ttl("k")).toBe(10_000);
    now += 9_999;
    expect(await cache.get("k")).toBe("v");
    now += 1;
    expect(await cache.get("k")).toBeNull();
    expect(await cache.ttl("k")).toBeNull();
  });

  it("increments atomically with the TTL of the first increment", async () => {
    let now = 0;
    const cache = createMemoryCache({ now: () => now });
    expect(await cache.increment("n", 5)).toBe(1);
    now += 4000;
    expect(await cache.increment("n", 5)).toBe(2);
    now += 1000;
    expect(await cache.increment("n", 5)).toBe(1);
  });

  it("scans and clears by prefix", async () => {
    const cache = createMemoryCache();
    await cache.set("rl:a", "1");
    await cache.set("rl:b", "1");
    await cache.set("other", "1");
    expect((await cache.scan("rl:", 10)).keys.sort()).toEqual(["rl:a", "rl:b"]);
    expect(await cache.scan("", 2)).toMatchObject({ complete: false });
    expect(await cache.clear("rl:")).toBe(2);
    expect(await cache.get("other")).toBe("1");
  });
});
