/**
 * The health summary's shared check: a load balancer (or a benchmark) asks many times at once, and the checks
 * that arrive while one is under way share its ping instead of each sending one; once it has answered, the next
 * check asks the database again.
 */
import { describe, expect, it } from "bun:test";
import { createDbAvailability } from "../../../platform/db/availability.ts";
import { createHealthService, type HealthDeps } from "./service.ts";

/** A database whose pings answer only when the test says so. */
function slowDatabase() {
  const pending: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  const db = {
    dialect: "postgres",
    availability: createDbAvailability(),
    ping: () =>
      new Promise<void>((resolve, reject) => {
        pending.push({ resolve, reject });
      }),
  };
  return { db, pending };
}

function healthOf(db: ReturnType<typeof slowDatabase>["db"]) {
  const cache = { direct: { ping: async () => {} }, stats: { snapshot: () => ({}) } };
  return createHealthService({ db, cache } as unknown as HealthDeps);
}

describe("health summary", () => {
  it("gives the checks that arrive while one is under way its answer, and pings again for the next", async () => {
    const { db, pending } = slowDatabase();
    const health = healthOf(db);
    const first = health.summary();
    const second = health.summary();
    expect(pending).toHaveLength(1);
    pending[0]?.resolve();
    expect((await first).status).toBe("ok");
    expect((await second).status).toBe("ok");
    const third = health.summary();
    expect(pending).toHaveLength(2);
    pending[1]?.reject(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
    expect((await third).status).toBe("down");
    health.close();
  });

  it("answers ok at once when the database and the cache have answered in the same call", async () => {
    const db = { dialect: "sqlite", availability: createDbAvailability(), ping: async () => {} };
    const health = createHealthService({
      db,
      cache: { direct: { ping: async () => {} }, stats: { snapshot: () => ({}) } },
    } as unknown as HealthDeps);
    expect(await health.summary()).toEqual({
      status: "ok",
      version: expect.any(String),
      uptime: expect.any(Number),
    });
    // A refused write (a full disk) still makes it degraded, as the detailed report says.
    db.availability.failed(Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" }));
    expect((await health.summary()).status).toBe("degraded");
    health.close();
  });
});
