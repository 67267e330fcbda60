import { describe, expect, it } from "bun:test";
import { createSessionLookup } from "./lookup.ts";

const DAY = 86_400;
const NOW = Date.parse("2026-06-01T12:00:00.000Z");

function lookupOver(entries: Record<string, string>) {
  return createSessionLookup({
    options: {},
    secondaryStorage: { get: async (key) => entries[key] ?? null },
    sessionConfig: { expiresIn: 7 * DAY, updateAge: DAY },
  });
}

function stored(overrides: { createdAt?: number; expiresAt?: number } = {}): string {
  const createdAt = overrides.createdAt ?? NOW - 1000;
  return JSON.stringify({
    session: {
      id: "s1",
      token: "t1",
      userId: "u1",
      createdAt: new Date(createdAt).toISOString(),
      updatedAt: new Date(createdAt).toISOString(),
      expiresAt: new Date(overrides.expiresAt ?? createdAt + 7 * DAY * 1000).toISOString(),
    },
    user: {
      id: "u1",
      email: "u1@example.com",
      name: "U",
      emailVerified: true,
      createdAt: new Date(NOW - 10_000).toISOString(),
      updatedAt: new Date(NOW - 10_000).toISOString(),
    },
  });
}

describe("createSessionLookup", () => {
  it("returns a fresh session from the store, with dates as better-auth returns them", async () => {
    const live = await lookupOver({ t1: stored() })("t1", NOW);
    if (live === "fallback") throw new Error("expected a live session");
    expect(live.needsRefresh).toBe(false);
    expect(live.session.expiresAt).toBeInstanceOf(Date);
    expect(live.user.email).toBe("u1@example.com");
  });

  it("says when the session is due for its updateAge refresh", async () => {
    const live = await lookupOver({ t1: stored({ createdAt: NOW - 2 * DAY * 1000 }) })("t1", NOW);
    expect(live !== "fallback" && live.needsRefresh).toBe(true);
  });

  it("leaves to better-auth a missing, unreadable, revoked or expired session", async () => {
    expect(await lookupOver({})("t1", NOW)).toBe("fallback");
    expect(await lookupOver({ t1: "{not json" })("t1", NOW)).toBe("fallback");
    const revoked = { t1: stored(), "revoked-sessions-before-u1": String(NOW) };
    expect(await lookupOver(revoked)("t1", NOW)).toBe("fallback");
    expect(await lookupOver({ t1: stored({ expiresAt: NOW - 1 }) })("t1", NOW)).toBe("fallback");
  });

  it("keeps a session created after its user's revocation marker", async () => {
    const entries = { t1: stored(), "revoked-sessions-before-u1": String(NOW - 5000) };
    expect(await lookupOver(entries)("t1", NOW)).not.toBe("fallback");
  });

  it("parses a stored value once, and never answers from an earlier value of the entry", async () => {
    const entries: Record<string, string> = { t1: stored() };
    const find = lookupOver(entries);
    const first = await find("t1", NOW);
    const again = await find("t1", NOW);
    if (first === "fallback" || again === "fallback") throw new Error("expected a live session");
    expect(again.user).toBe(first.user);
    expect(again.derived).toBe(first.derived);
    // Another node renames the user: the entry's text changes, and so does the answer.
    const renamed = JSON.parse(entries.t1 ?? "") as { user: { name: string } };
    renamed.user.name = "Renamed";
    entries.t1 = JSON.stringify(renamed);
    const after = await find("t1", NOW);
    if (after === "fallback") throw new Error("expected a live session");
    expect(after.user.name).toBe("Renamed");
    expect(after.derived).not.toBe(first.derived);
  });

  it("judges a parsed value's expiry and revocation on every request", async () => {
    const entries: Record<string, string> = { t1: stored({ expiresAt: NOW + 1000 }) };
    const find = lookupOver(entries);
    expect(await find("t1", NOW)).not.toBe("fallback");
    expect(await find("t1", NOW + 1001)).toBe("fallback");
    entries["revoked-sessions-before-u1"] = String(NOW);
    expect(await find("t1", NOW)).toBe("fallback");
  });
});
