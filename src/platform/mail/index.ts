/**
 * Outgoing mail: nodemailer over SMTP_URL, or, without it, an outbox (one JSON line per message in
 * DATA_DIR/outbox/mail.jsonl) plus a log line, so a fresh install can complete every flow by hand.
 */
import { appendFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import nodemailer from "nodemailer";
import type { Logger } from "../logger.ts";

export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface Mailer {
  readonly transport: "smtp" | "outbox";
  send(message: MailMessage): Promise<void>;
  close(): Promise<void>;
}

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
}): Mailer {
  const { from, logger } = options;
  const deliver = options.smtpUrl
    ? smtpDelivery(options.smtpUrl, from)
    : outboxDelivery(options.dataDir, logger);
  return {
    transport: deliver.transport,
    async send(message) {
      if (isPlaceholderEmail(message.to)) return;
      await deliver.send(message);
      logger.info({ to: message.to, subject: message.subject }, "mail sent");
    },
    close: deliver.close,
  };
}

function smtpDelivery(url: string, from: string): Pick<Mailer, "transport" | "send" | "close"> {
  const transporter = nodemailer.createTransport(url);
  return {
    transport: "smtp",
    async send(message) {
      await transporter.sendMail({ from, ...message });
    },
    async close() {
      transporter.close();
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
