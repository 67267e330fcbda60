/**
 * Two Gatehouse app instances on one PostgreSQL schema and one Redis key prefix (TEST_DATABASE_URL and
 * TEST_REDIS_URL), in this process: what node A does, node B must see on its next request.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestApp, dropSchema, type TestApp } from "../helpers/test-app.ts";

export const DATABASE_URL = process.env.TEST_DATABASE_URL;
export const REDIS_URL = process.env.TEST_REDIS_URL;
export const SKIP = !DATABASE_URL || !REDIS_URL ? "needs TEST_DATABASE_URL and TEST_REDIS_URL" : undefined;
/** A suite's name, with the reason it is skipped where it is. */
export const named = (name: string) => (SKIP ? `${name} (skipped: ${SKIP})` : name);

export interface TwoNodes {
  readonly a: TestApp;
  readonly b: TestApp;
  close(): Promise<void>;
}

export async function startTwoNodes(name: string): Promise<TwoNodes> {
  const schema = `t_${name}_${randomBytes(5).toString("hex")}`;
  const prefix = `test:${name}:${randomBytes(5).toString("hex")}:`;
  const dirs = [mkdtempSync(join(tmpdir(), "gatehouse-a-")), mkdtempSync(join(tmpdir(), "gatehouse-b-"))];
  const node = (dataDir: string) =>
    createTestApp({ env: { CACHE_PREFIX: prefix }, reuse: { dataDir, schema } });
  // A first: it migrates the schema.
  const a = await node(dirs[0] ?? "");
  const b = await node(dirs[1] ?? "");
  return {
    a,
    b,
    async close() {
      await a.close();
      await b.close();
      if (DATABASE_URL) await dropSchema(DATABASE_URL, schema);
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One way of presenting a credential to node B; true when B accepted it. */
export type Probe = readonly [name: string, accepted: () => Promise<boolean>];

export interface Tally {
  /** Accepted answers to requests that started before the revoking answer arrived. */
  readonly acceptedBefore: number;
  /** Requests started after the revoking answer arrived. */
  readonly after: number;
  /** Of those, the ones accepted, by probe. */
  readonly staleAccepts: Record<string, number>;
}

// Concurrent request loops on B: enough that several requests are in flight whenever the revocation lands.
const LOOPS = 4;
// Requests after the revocation each run must see, so that "no stale accept" is about real requests.
const AFTER_MIN = 40;

/**
 * Probes B in tight loops while `revoke` runs on A, and counts what B accepted of the requests that started
 * after `revoke` resolved (the revoking answer): each of those is a stale accept.
 */
export async function revokeUnderLoad(probes: readonly Probe[], revoke: () => Promise<void>): Promise<Tally> {
  let revoked = false;
  let stop = false;
  let acceptedBefore = 0;
  let after = 0;
  const staleAccepts: Record<string, number> = {};
  const loop = async (offset: number) => {
    for (let i = offset; !stop; i++) {
      const probe = probes[i % probes.length];
      if (!probe) return;
      const startedAfter = revoked;
      const accepted = await probe[1]();
      if (!startedAfter) {
        if (accepted) acceptedBefore++;
        continue;
      }
      after++;
      if (accepted) staleAccepts[probe[0]] = (staleAccepts[probe[0]] ?? 0) + 1;
    }
  };
  const loops = Promise.all(Array.from({ length: LOOPS }, (_, i) => loop(i)));
  try {
    // The credential works on B before it is revoked (otherwise the test would prove nothing).
    for (let i = 0; i < 500 && acceptedBefore < probes.length; i++) await Bun.sleep(5);
    await revoke();
    revoked = true;
    for (let i = 0; i < 2000 && after < AFTER_MIN; i++) await Bun.sleep(5);
  } finally {
    stop = true;
    await loops;
  }
  return { acceptedBefore, after, staleAccepts };
}
