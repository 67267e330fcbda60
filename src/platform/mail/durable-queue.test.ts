/**
 * The durable queue of mail and SMS (./durable-queue.ts) on the app's real database: a message the provider
 * refuses is kept, encrypted, and sent by a later start (another node, or this one restarted) exactly once, even
 * when two nodes look for it at the same moment; a kept message that can no longer be decrypted is dropped with
 * an error instead of being tried forever.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import pino from "pino";
import { createTestApp, type TestApp } from "../../../test/helpers/test-app.ts";
import { dateParam } from "../db/values.ts";
import { createDurableQueue } from "./durable-queue.ts";

interface Note {
  readonly to: string;
  readonly text: string;
}

const silent = pino({ level: "silent" });
const SECRET = "queue-secret-queue-secret-queue-secret-01";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

function queue(deliver: (note: Note) => Promise<void>, secret = SECRET) {
  return createDurableQueue<Note>({
    channel: "sms",
    db: t.deps.db,
    secret,
    logger: silent,
    deliver,
    describe: (note) => ({ to: note.to }),
  });
}

/** The SMS rows kept in the outbox (each test leaves none behind). */
function keptRows() {
  return t.deps.db.kysely.selectFrom("mail_outbox").selectAll().where("channel", "=", "sms").execute();
}

/** As if the retry pause had passed: every kept row is due now. */
async function makeDue(): Promise<void> {
  await t.deps.db.kysely
    .updateTable("mail_outbox")
    .set({ availableAt: dateParam(t.deps.db.dialect, new Date(Date.now() - 1000)) })
    .execute();
}

/** Polls until `check` holds (at most ~5 s; the assertions after it say what was expected). */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500 && !(await check()); i++) await Bun.sleep(10);
}

describe("durable queue", () => {
  it("keeps a refused message, encrypted, and a later start sends it once although two nodes look at once", async () => {
    const refusing = queue(async () => {
      throw new Error("provider down");
    });
    await expect(refusing.submit({ to: "+14155550199", text: "code 424242" })).rejects.toThrow(
      "provider down",
    );
    const rows = await keptRows();
    expect(rows).toHaveLength(1);
    expect(String(rows[0]?.payload)).not.toContain("424242");
    expect(String(rows[0]?.payload)).not.toContain("+14155550199");
    await refusing.close();

    await makeDue();
    const delivered: Note[] = [];
    const nodeA = queue(async (note) => void delivered.push(note));
    const nodeB = queue(async (note) => void delivered.push(note));
    nodeA.start();
    nodeB.start();
    await until(() => delivered.length > 0);
    await nodeA.drain(5000);
    await nodeB.drain(5000);
    await nodeA.close();
    await nodeB.close();
    expect(delivered).toEqual([{ to: "+14155550199", text: "code 424242" }]);
    expect(await keptRows()).toHaveLength(0);
  });

  it("drops a kept message that no longer decrypts (AUTH_SECRET changed) instead of retrying it forever", async () => {
    const refusing = queue(async () => {
      throw new Error("provider down");
    });
    await expect(refusing.submit({ to: "+14155550198", text: "code 1" })).rejects.toThrow();
    await refusing.close();
    await makeDue();
    const delivered: Note[] = [];
    const otherSecret = queue(
      async (note) => void delivered.push(note),
      "another-secret-another-secret-0123456",
    );
    otherSecret.start();
    await until(async () => (await keptRows()).length === 0);
    await otherSecret.close();
    expect(delivered).toEqual([]);
    expect(await keptRows()).toHaveLength(0);
  });
});
