/**
 * Outgoing mail: nodemailer over SMTP_URL, or, without it, an outbox (one JSON line per message in
 * DATA_DIR/outbox/mail.jsonl) plus a log line, so a fresh install can complete every flow by hand.
 *
 * Every message goes through the durable queue (./durable-queue.ts): written to the database first, so that a
 * mail being sent when the process stops, or refused by the SMTP server, is sent again rather than lost.
 */
import { appendFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Transporter } from "nodemailer";
import type { Db } from "../db/index.ts";
import type { Logger } from "../logger.ts";
import { createDurableQueue } from "./durable-queue.ts";

export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface Mailer {
  readonly transport: "smtp" | "outbox";
  /** Resolves once delivered; rejects when this first try failed (the message is kept for a retry all the same). */
  send(message: MailMessage): Promise<void>;
  /** Sends what was left in the outbox table (after migrations), and retries from then on. */
  start(): void;
  /** At shutdown: waits up to `timeoutMs` for the mails being sent. */
  drain(timeoutMs: number): Promise<void>;
  /** Keeps unfinished mails for the next start and closes the transport (before the database closes). */
  close(): Promise<void>;
}

// Bounds of one SMTP attempt, well inside the outbox lease (./durable-queue.ts): a server that accepts the
// connection and then hangs would otherwise hold a send for nodemailer's default of ten minutes.
const SMTP_TIMEOUTS = { connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 60_000 };

/** Placeholder addresses of users without an e-mail (RFC 2606 `.invalid`); nothing is ever sent to them. */
export const PLACEHOLDER_EMAIL_DOMAIN = "users.invalid";

export function isPlaceholderEmail(email: string): boolean {
  return email.toLowerCase().endsWith(`@${PLACEHOLDER_EMAIL_DOMAIN}`);
}

export function createMailer(options: {
  smtpUrl: string | undefined;
  from: string;
  dataDir: string;
  logger: Logger;
  /** Where unsent mail is kept (the `mail_outbox` table); without it mail is only tracked in memory. */
  db?: Db | undefined;
  /** Encrypts the kept mail (AUTH_SECRET). */
  secret?: string | undefined;
}): Mailer {
  const { from, logger } = options;
  const deliver = options.smtpUrl
    ? smtpDelivery(options.smtpUrl, from)
    : outboxDelivery(options.dataDir, logger);
  const queue = createDurableQueue<MailMessage>({
    channel: "mail",
    db: options.db,
    secret: options.secret ?? "",
    logger,
    async deliver(message) {
      await deliver.send(message);
      logger.info({ to: message.to, subject: message.subject }, "mail sent");
    },
    describe: (message) => ({ to: message.to, subject: message.subject }),
  });
  return {
    transport: deliver.transport,
    async send(message) {
      if (isPlaceholderEmail(message.to)) return;
      await queue.submit(message);
    },
    start: queue.start,
    drain: queue.drain,
    async close() {
      await queue.close();
      await deliver.close();
    },
  };
}

function smtpDelivery(url: string, from: string): Pick<Mailer, "transport" | "send" | "close"> {
  // Options given in the URL's query (e.g. `?ignoreTLS=true`) take precedence over these.
  // nodemailer (and the node:http, node:tls and node:net it loads) comes in on the first send, not at start-up:
  // loading it cost about a tenth of the time to ready, and most processes send no mail for a while.
  let transporter: Promise<Transporter> | undefined;
  const connect = () => {
    transporter ??= import("nodemailer").then(({ default: nodemailer }) =>
      nodemailer.createTransport({ url, ...SMTP_TIMEOUTS }),
    );
    return transporter;
  };
  return {
    transport: "smtp",
    async send(message) {
      await (await connect()).sendMail({ from, ...message });
    },
    async close() {
      (await transporter)?.close();
    },
  };
}

function outboxDelivery(dataDir: string, logger: Logger): Pick<Mailer, "transport" | "send" | "close"> {
  const dir = join(dataDir, "outbox");
  const file = join(dir, "mail.jsonl");
  return {
    transport: "outbox",
    async send(message) {
      await mkdir(dir, { recursive: true });
      await appendFile(file, `${JSON.stringify({ at: new Date().toISOString(), ...message })}\n`, {
        mode: 0o600,
      });
      logger.info({ to: message.to, subject: message.subject, file }, "mail written to the outbox");
    },
    async close() {},
  };
}
