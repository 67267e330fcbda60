/**
 * Mail queued at shutdown is delivered or kept, never dropped (src/platform/mail/durable-queue.ts): a sign-up's
 * verification mail goes out in the background after the response, and SIGTERM right after that response used
 * to end the process before the mail reached the SMTP server. Now the shutdown waits for it; and a mail that the
 * SMTP server has not accepted when the grace period ends stays in the outbox table and is sent, once, by the
 * next start.
 */
import { afterAll, describe, expect, it } from "bun:test";
import { SMTPServer } from "smtp-server";
import { type SmtpPeer, startSmtpPeer } from "../helpers/smtp-peer.ts";
import { exitWithin, type ServerData, serverData } from "./shutdown-process.ts";

const EXIT_WITHIN_MS = 7000;

const opened: { close(): Promise<void> }[] = [];
const datas: ServerData[] = [];
afterAll(async () => {
  for (const data of datas) await data.dispose();
  for (const peer of opened) await peer.close();
});

async function smtpPeer(): Promise<SmtpPeer> {
  const peer = await startSmtpPeer();
  opened.push(peer);
  return peer;
}

/** An SMTP server that takes a message's data and never answers it: the mail is never accepted. */
async function stuckSmtpServer(): Promise<string> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream) {
      stream.resume();
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });
  // Its clients are gone with the process that used it; close() need not wait for them.
  opened.push({ close: async () => void server.close(() => {}) });
  return `smtp://127.0.0.1:${port}/?ignoreTLS=true`;
}

async function signUp(baseUrl: string, email: string): Promise<void> {
  const response = await fetch(`${baseUrl}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ email, password: "shutdown-password-1", name: "Shutdown" }),
  });
  expect(response.status).toBe(200);
}

const mailsTo = (peer: SmtpPeer, email: string) => peer.messages.filter((m) => m.to.includes(email));

describe("mail at shutdown", () => {
  it("delivers the verification mail of a sign-up answered just before SIGTERM", async () => {
    const peer = await smtpPeer();
    const data = serverData();
    datas.push(data);
    const server = await data.start({ SMTP_URL: `${peer.url}/?ignoreTLS=true` });
    const email = "just-before@shutdown.test";

    await signUp(server.baseUrl, email);
    server.proc.kill("SIGTERM");

    expect(await exitWithin(server.proc, EXIT_WITHIN_MS)).toBe(0);
    // The process has exited: whatever it delivered is in the peer's inbox already, or was lost.
    await peer.waitFor((mail) => mail.to.includes(email), 2000);
    expect(mailsTo(peer, email)).toHaveLength(1);
    expect(await data.countRows("mail_outbox")).toBe(0);
  }, 30_000);

  it("keeps a mail the SMTP server has not accepted by the end of the grace period and sends it on the next start", async () => {
    const data = serverData();
    datas.push(data);
    const stuck = await stuckSmtpServer();
    const first = await data.start({ SMTP_URL: stuck, SHUTDOWN_GRACE_MS: "300" });
    const email = "kept@shutdown.test";

    await signUp(first.baseUrl, email);
    first.proc.kill("SIGTERM");
    expect(await exitWithin(first.proc, EXIT_WITHIN_MS)).toBe(0);
    expect(await data.countRows("mail_outbox")).toBe(1);

    const peer = await smtpPeer();
    const second = await data.start({ SMTP_URL: `${peer.url}/?ignoreTLS=true` });
    const mail = await peer.waitFor((m) => m.to.includes(email), 10_000);
    // The link made by the first run, which the outbox kept.
    expect(mail.text).toContain(`${first.baseUrl}/api/auth/verify-email?token=`);
    second.proc.kill("SIGTERM");
    expect(await exitWithin(second.proc, EXIT_WITHIN_MS)).toBe(0);
    expect(mailsTo(peer, email)).toHaveLength(1);
    expect(await data.countRows("mail_outbox")).toBe(0);
  }, 30_000);
});
