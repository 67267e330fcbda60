/**
 * The backlog of the mail and SMS outbox (the `mail_outbox` table of src/platform/mail/durable-queue.ts): how
 * many messages are not yet delivered — being sent or waiting for a retry — and how long the oldest has waited.
 * A growing count or age means the provider refuses or cannot be reached. Counts and ages only: the payload is
 * encrypted and never read here.
 */
import type { Db } from "../../../platform/db/index.ts";
import { toDate } from "../../../platform/db/values.ts";

export interface ChannelBacklog {
  readonly waiting: number;
  readonly oldest_age_seconds: number | null;
}

export type OutboxBacklog = Record<"mail" | "sms", ChannelBacklog>;

const EMPTY: ChannelBacklog = { waiting: 0, oldest_age_seconds: null };

export async function outboxBacklog(db: Db, now = Date.now()): Promise<OutboxBacklog> {
  const rows = await db.kysely
    .selectFrom("mail_outbox")
    .select((eb) => ["channel", eb.fn.countAll().as("waiting"), eb.fn.min("createdAt").as("oldest")])
    .groupBy("channel")
    .execute();
  const backlog: OutboxBacklog = { mail: EMPTY, sms: EMPTY };
  for (const row of rows as { channel: string; waiting: unknown; oldest: unknown }[]) {
    if (row.channel !== "mail" && row.channel !== "sms") continue;
    const oldest = toDate(row.oldest, true);
    backlog[row.channel] = {
      waiting: Number(row.waiting),
      oldest_age_seconds: oldest ? Math.max(0, Math.round((now - oldest.getTime()) / 1000)) : null,
    };
  }
  return backlog;
}
