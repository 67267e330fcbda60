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
});
