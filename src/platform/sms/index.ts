/**
 * Outgoing SMS: a Twilio-compatible REST sender (POST {apiUrl}/2010-04-01/Accounts/{sid}/Messages.json), or,
 * without configuration, an outbox (DATA_DIR/outbox/sms.jsonl) plus a log line. Like mail, every message goes
 * through the durable queue (src/platform/mail/durable-queue.ts), so one being sent at shutdown is not lost.
 */
import { appendFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { SmsConfig } from "../../config.ts";
import type { Db } from "../db/index.ts";
import type { Logger } from "../logger.ts";
import { createDurableQueue } from "../mail/durable-queue.ts";

export interface SmsMessage {
  readonly to: string;
  readonly body: string;
}

export interface SmsSender {
  readonly transport: "api" | "outbox";
  /** Resolves once delivered; rejects when this first try failed (the message is kept for a retry all the same). */
  send(message: SmsMessage): Promise<void>;
  /** Sends what was left in the outbox table (after migrations), and retries from then on. */
  start(): void;
  /** At shutdown: waits up to `timeoutMs` for the messages being sent. */
  drain(timeoutMs: number): Promise<void>;
  /** Keeps unfinished messages for the next start (before the database closes). */
  close(): Promise<void>;
}

type Delivery = Pick<SmsSender, "transport" | "send">;

// A provider that does not answer within this time is treated as failed; the user can ask for a new code.
const SMS_API_TIMEOUT_MS = 10_000;

export function createSmsSender(options: {
  sms: SmsConfig | undefined;
  dataDir: string;
  logger: Logger;
  /** Where unsent messages are kept (the `mail_outbox` table); without it they are only tracked in memory. */
  db?: Db | undefined;
  /** Encrypts the kept messages (AUTH_SECRET). */
  secret?: string | undefined;
}): SmsSender {
  const delivery = createDelivery(options);
  const queue = createDurableQueue<SmsMessage>({
    channel: "sms",
    db: options.db,
    secret: options.secret ?? "",
    logger: options.logger,
    deliver: delivery.send,
    describe: (message) => ({ to: message.to }),
  });
  return {
    transport: delivery.transport,
    send: queue.submit,
    start: queue.start,
    drain: queue.drain,
    close: queue.close,
  };
}

function createDelivery(options: { sms: SmsConfig | undefined; dataDir: string; logger: Logger }): Delivery {
  const { sms, logger } = options;
  if (!sms) {
    const dir = join(options.dataDir, "outbox");
    return {
      transport: "outbox",
      async send(message) {
        await mkdir(dir, { recursive: true });
        const line = `${JSON.stringify({ at: new Date().toISOString(), ...message })}\n`;
        await appendFile(join(dir, "sms.jsonl"), line, { mode: 0o600 });
        logger.info({ to: message.to }, "sms written to the outbox");
      },
    };
  }
  const endpoint = `${sms.apiUrl}/2010-04-01/Accounts/${encodeURIComponent(sms.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${sms.accountSid}:${sms.authToken}`).toString("base64")}`;
  return {
    transport: "api",
    async send(message) {
      const response = await fetch(endpoint, {
        method: "POST",
        headers: { authorization, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ To: message.to, From: sms.from, Body: message.body }),
        signal: AbortSignal.timeout(SMS_API_TIMEOUT_MS),
      });
      if (!response.ok) {
        // The provider's body may echo the message (an OTP): log only the status.
        throw new Error(`SMS API answered ${response.status}`);
      }
      logger.info({ to: message.to }, "sms sent");
    },
  };
}
