/**
 * Messages (mail, SMS) that are sent in the background, after the response, survive a shutdown, a crash and a
 * failing provider: each is written to the `mail_outbox` table before it is handed to the provider and deleted
 * once the provider has taken it. A send that fails, or that is still under way when the process stops, stays
 * in the table and is sent again — on the next start, by the retry loop of any node sharing the database, with
 * a growing pause between tries.
 *
 * - Once, not twice: a node owns a message it is sending for LEASE_MS (`availableAt` in the future); another
 *   node, or the same one after a restart, takes a message only after its lease ran out, by an UPDATE that only
 *   one of them can win. A message is sent twice only when a process dies between the provider's answer and the
 *   DELETE. At a graceful shutdown, messages still under way after the grace period are handed back (their lease
 *   ended) so that the next start sends them at once.
 * - The table holds what a mail or SMS holds (reset links, one-time codes), so the payload is encrypted with a
 *   key derived from AUTH_SECRET (AES-256-GCM, src/platform/sealed.ts): a reader of the database learns the recipient count, nothing else.
 *   A row that no longer decrypts (the secret was changed) can never be sent and is deleted with an error line.
 * - A message not delivered within MAX_AGE_MS is given up with an error line: every link or code it carries has
 *   expired by then (the longest, e-mail verification, lives a day: src/auth/index.ts).
 * - When the table cannot be written (the database is away), the message is sent anyway, as before: better sent
 *   without a safety net than not at all.
 */
import { randomUUID } from "node:crypto";
import type { Db } from "../db/index.ts";
import { dateParam, toDate } from "../db/values.ts";
import type { Logger } from "../logger.ts";
import { createSealer } from "../sealed.ts";

// The purpose the outbox was first sealed under (src/platform/sealed.ts): changing it strands queued messages.
const SEAL_PURPOSE = "gatehouse mail outbox";

export type Channel = "mail" | "sms";

export interface DurableQueue<T> {
  /**
   * Records the message, delivers it and forgets it once delivered. Rejects with the provider's error when this
   * first try fails (the message is kept for a retry all the same).
   */
  submit(message: T): Promise<void>;
  /** Sends what earlier runs (or other nodes) left in the table, now and then every RETRY_INTERVAL_MS. */
  start(): void;
  /** Waits up to `timeoutMs` for the sends under way; those still running are handed back to the table. */
  drain(timeoutMs: number): Promise<void>;
  /** Stops the retry loop and hands back what is still under way (call before the database closes). */
  close(): Promise<void>;
}

const TABLE = "mail_outbox";
// How long a node owns a message it is sending: longer than the provider's own timeouts allow one attempt to
// take (src/platform/mail/index.ts bounds an SMTP send well below it), short enough that a message of a crashed
// node is sent by another within minutes.
const LEASE_MS = 5 * 60 * 1000;
// How often each node looks for messages whose time has come.
const RETRY_INTERVAL_MS = 30 * 1000;
// Retries wait 30 s, 1 min, 2 min, … up to an hour between tries.
const FIRST_BACKOFF_MS = 30 * 1000;
const MAX_BACKOFF_MS = 60 * 60 * 1000;
const MAX_AGE_MS = 24 * 60 * 60 * 1000;
// A pass takes at most this many messages, so that one pass after a long outage does not send a flood at once.
const RETRY_BATCH = 50;

interface Row {
  id: string;
  channel: string;
  payload: string;
  attempts: number | string;
  createdAt: unknown;
}

export function createDurableQueue<T>(options: {
  channel: Channel;
  /** Without a database (a bare mailer in a script) messages are only tracked in memory. */
  db: Db | undefined;
  secret: string;
  logger: Logger;
  deliver(message: T): Promise<void>;
  /** What a log line may say about a message (the recipient, a subject), never its content. */
  describe(message: T): Record<string, unknown>;
}): DurableQueue<T> {
  const { channel, db, logger, deliver, describe } = options;
  const sealer = createSealer(options.secret, SEAL_PURPOSE);
  /** Sends under way in this process, by row id (or a random id when the row could not be written). */
  const inFlight = new Map<string, Promise<void>>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let closed = false;
  let retrying = false;

  const at = (ms: number) => dateParam(db?.dialect ?? "sqlite", new Date(ms));

  /** Writes the message before it is sent; its row id is the send's id, so drain and close can name it. */
  async function record(id: string, message: T): Promise<boolean> {
    if (!db) return false;
    try {
      const now = Date.now();
      await db.kysely
        .insertInto(TABLE)
        .values({
          id,
          channel,
          payload: sealer.sealJson(message),
          attempts: 1,
          createdAt: at(now),
          availableAt: at(now + LEASE_MS),
        })
        .execute();
      return true;
    } catch (error) {
      logger.warn({ err: error, channel, ...describe(message) }, "outbox not writable: sending without it");
      return false;
    }
  }

  /** After a failed try: the message waits for its next turn (or is given up when too old). */
  async function reschedule(id: string, attempts: number, createdAt: number, message: T): Promise<void> {
    if (!db) return;
    if (Date.now() - createdAt > MAX_AGE_MS) {
      logger.error(
        { channel, ...describe(message), attempts },
        "message given up: not delivered within a day",
      );
      await db.kysely.deleteFrom(TABLE).where("id", "=", id).execute();
      return;
    }
    const backoff = Math.min(FIRST_BACKOFF_MS * 2 ** Math.max(attempts - 1, 0), MAX_BACKOFF_MS);
    await db.kysely
      .updateTable(TABLE)
      .set({ availableAt: at(Date.now() + backoff) })
      .where("id", "=", id)
      .execute();
  }

  /** One try of a recorded (or unrecordable) message; a failure is rescheduled, then thrown. */
  async function attempt(id: string, recorded: boolean, message: T, attempts: number, createdAt: number) {
    try {
      await deliver(message);
    } catch (error) {
      if (recorded) {
        logger.warn(
          { channel, ...describe(message), attempts },
          `${channel} not delivered: kept for a retry`,
        );
        await reschedule(id, attempts, createdAt, message).catch((err: unknown) =>
          logger.error({ err, channel }, "could not reschedule an outbox message"),
        );
      }
      throw error;
    }
    if (recorded) await db?.kysely.deleteFrom(TABLE).where("id", "=", id).execute();
  }

  /** Runs `work` as the send `id`, known to drain and close from this moment on. */
  function track(id: string, work: () => Promise<void>): Promise<void> {
    const run = work().finally(() => inFlight.delete(id));
    inFlight.set(id, run);
    return run;
  }

  async function retryDue(): Promise<void> {
    if (!db || closed) return;
    const now = Date.now();
    const due = (await db.kysely
      .selectFrom(TABLE)
      .select(["id", "channel", "payload", "attempts", "createdAt"])
      .where("channel", "=", channel)
      .where("availableAt", "<=", at(now))
      .orderBy("availableAt")
      .limit(RETRY_BATCH)
      .execute()) as Row[];
    for (const row of due) {
      if (closed) return;
      if (inFlight.has(row.id)) continue;
      // Take it: only one node (or pass) can move `availableAt` of a due row.
      const claimed = await db.kysely
        .updateTable(TABLE)
        .set({ availableAt: at(now + LEASE_MS), attempts: Number(row.attempts) + 1 })
        .where("id", "=", row.id)
        .where("availableAt", "<=", at(now))
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) continue;
      let message: T;
      try {
        message = sealer.openJson<T>(row.payload);
      } catch {
        logger.error({ channel, id: row.id }, "outbox message unreadable (AUTH_SECRET changed?): deleted");
        await db.kysely.deleteFrom(TABLE).where("id", "=", row.id).execute();
        continue;
      }
      const attempts = Number(row.attempts) + 1;
      const createdAt = toDate(row.createdAt).getTime();
      await track(row.id, () => attempt(row.id, true, message, attempts, createdAt)).catch((error: unknown) =>
        logger.error({ err: error, channel, ...describe(message), attempts }, `${channel} retry failed`),
      );
    }
  }

  /** One pass at a time per node: a tick that finds one running skips its turn. */
  function retrySoon(): void {
    if (retrying) return;
    retrying = true;
    retryDue()
      .catch((error: unknown) => logger.error({ err: error, channel }, "outbox retry failed"))
      .finally(() => {
        retrying = false;
      });
  }

  /** Hands the given sends back to the table: their lease ends now, so the next start sends them at once. */
  async function handBack(ids: readonly string[]): Promise<void> {
    if (!db || ids.length === 0) return;
    await db.kysely
      .updateTable(TABLE)
      .set({ availableAt: at(Date.now()) })
      .where("id", "in", ids)
      .execute()
      .catch((error: unknown) =>
        logger.error({ err: error, channel }, "could not hand back outbox messages"),
      );
  }

  return {
    submit(message) {
      const id = randomUUID();
      // Tracked before the first await: a shutdown right after the response still knows of this message.
      return track(id, async () => attempt(id, await record(id, message), message, 1, Date.now()));
    },
    start() {
      if (!db || timer) return;
      retrySoon();
      timer = setInterval(retrySoon, RETRY_INTERVAL_MS);
      timer.unref();
    },
    async drain(timeoutMs) {
      const pending = [...inFlight.values()];
      if (pending.length === 0) return;
      logger.info({ channel, messages: pending.length }, "waiting for messages being sent");
      let timeout: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.allSettled(pending),
        new Promise<void>((resolve) => {
          timeout = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timeout);
    },
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      const unfinished = [...inFlight.keys()];
      if (unfinished.length > 0) {
        logger.warn(
          { channel, messages: unfinished.length },
          "messages still being sent: kept in the outbox",
        );
      }
      await handBack(unfinished);
    },
  };
}
