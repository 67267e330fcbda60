import { describe, expect, it } from "bun:test";
import { exceedsJsonDepth } from "./json-depth.ts";

describe("exceedsJsonDepth", () => {
  it("counts nested arrays and objects", () => {
    expect(exceedsJsonDepth('{"a":[{"b":[]}]}', 4)).toBe(false);
    expect(exceedsJsonDepth('{"a":[{"b":[]}]}', 3)).toBe(true);
  });

  it("does not count brackets inside strings, escaped quotes included", () => {
    expect(exceedsJsonDepth(`{"a":"${"[".repeat(100)}"}`, 1)).toBe(false);
    expect(exceedsJsonDepth(`{"a":"\\"${"{".repeat(100)}"}`, 1)).toBe(false);
    expect(exceedsJsonDepth(`{"a":"\\\\",${"[".repeat(3)}`, 2)).toBe(true);
  });

  it("refuses depth even in malformed text (nothing is parsed)", () => {
    expect(exceedsJsonDepth("[".repeat(65), 64)).toBe(true);
    expect(exceedsJsonDepth("]]]][[", 64)).toBe(false);
  });
});
