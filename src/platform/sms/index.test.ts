import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { type SmsPeer, startSmsPeer } from "../../../test/helpers/sms-peer.ts";
import { createSmsSender } from "./index.ts";

const silent = pino({ level: "silent" });
let peer: SmsPeer;
let dataDir: string;
beforeAll(async () => {
  peer = await startSmsPeer();
  dataDir = mkdtempSync(join(tmpdir(), "gatehouse-sms-"));
});
afterAll(async () => {
  await peer.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function apiSender(overrides: { authToken?: string } = {}) {
  return createSmsSender({
    sms: {
      apiUrl: peer.url,
      accountSid: peer.accountSid,
      authToken: overrides.authToken ?? peer.authToken,
      from: "+15005550006",
    },
    dataDir,
    logger: silent,
  });
}

describe("SMS sender over the Twilio-compatible API", () => {
  it("posts To, From and Body with basic auth and resolves on 201", async () => {
    await apiSender().send({ to: "+14155550101", body: "Your verification code is 123456" });
    const sms = await peer.waitFor((m) => m.to === "+14155550101");
    expect(sms).toMatchObject({ from: "+15005550006", body: "Your verification code is 123456" });
    expect(sms.sid).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it("rejects when the API refuses the credentials (401)", async () => {
    const before = peer.messages.length;
    await expect(apiSender({ authToken: "wrong" }).send({ to: "+14155550102", body: "x" })).rejects.toThrow(
      "SMS API answered 401",
    );
    expect(peer.messages.length).toBe(before);
    expect(peer.requests.at(-1)).toEqual({ status: 401, to: "+14155550102" });
  });

  it("rejects when the API fails (500)", async () => {
    peer.failNext();
    await expect(apiSender().send({ to: "+14155550103", body: "x" })).rejects.toThrow("SMS API answered 500");
    expect(peer.requests.at(-1)).toEqual({ status: 500, to: "+14155550103" });
  });
});

describe("SMS API peer", () => {
  const auth = () => `Basic ${Buffer.from(`${peer.accountSid}:${peer.authToken}`).toString("base64")}`;
  const post = (form: Record<string, string>, authorization = auth()) =>
    fetch(`${peer.url}/2010-04-01/Accounts/${peer.accountSid}/Messages.json`, {
      method: "POST",
      headers: { authorization, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form),
    });

  it("answers 201 with a message resource", async () => {
    const res = await post({ To: "+14155550104", From: "+15005550006", Body: "hello" });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      account_sid: peer.accountSid,
      status: "queued",
      to: "+14155550104",
      from: "+15005550006",
      body: "hello",
      direction: "outbound-api",
    });
  });

  it("answers 401 in Twilio's error shape without valid credentials", async () => {
    const res = await post({ To: "+14155550105", From: "+15005550006", Body: "hello" }, "Basic eDp5");
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 20003, message: "Authenticate", status: 401 });
  });

  it("answers 400 for a missing Body or a To that is not E.164", async () => {
    const noBody = await post({ To: "+14155550106", From: "+15005550006" });
    expect(noBody.status).toBe(400);
    expect(await noBody.json()).toMatchObject({ code: 21602 });
    const badTo = await post({ To: "0800 garbage", From: "+15005550006", Body: "x" });
    expect(badTo.status).toBe(400);
    expect(await badTo.json()).toMatchObject({ code: 21211 });
  });
});

describe("SMS outbox (no SMS configuration)", () => {
  it("appends the message to DATA_DIR/outbox/sms.jsonl", async () => {
    const sender = createSmsSender({ sms: undefined, dataDir, logger: silent });
    expect(sender.transport).toBe("outbox");
    await sender.send({ to: "+14155550107", body: "Your verification code is 654321" });
    const lines = readFileSync(join(dataDir, "outbox", "sms.jsonl"), "utf8")
      .trim()
      .split("\n");
    expect(JSON.parse(lines.at(-1) ?? "{}")).toMatchObject({
      to: "+14155550107",
      body: "Your verification code is 654321",
    });
  });
});
