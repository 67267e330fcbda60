/**
 * A real HTTP server on loopback that speaks the part of Twilio's Messages API that Gatehouse uses:
 * `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` with HTTP basic auth (SID:token) and the form fields
 * To, From, Body. It answers like Twilio (201 + message resource; errors as `{code, message, more_info, status}`)
 * and keeps every accepted message. `failNext()` makes it answer with a server error, for error-path tests.
 */
import { randomBytes } from "node:crypto";
import { createInbox } from "./inbox.ts";

export interface ReceivedSms {
  readonly sid: string;
  readonly to: string;
  readonly from: string;
  readonly body: string;
}

export interface SmsPeerOptions {
  readonly accountSid?: string;
  readonly authToken?: string;
}

export interface SmsPeer {
  /** Base URL to use as SMS_API_URL. */
  readonly url: string;
  readonly accountSid: string;
  readonly authToken: string;
  /** Messages answered with 201, in order of arrival. */
  readonly messages: ReceivedSms[];
  /** Every request to the Messages endpoint with the status it got (including refused ones). */
  readonly requests: { readonly status: number; readonly to: string | null }[];
  /** Resolves with the first message (already received or still to come) that matches. */
  waitFor(match: (sms: ReceivedSms) => boolean, timeoutMs?: number): Promise<ReceivedSms>;
  /** The next `count` authenticated, valid requests get `status` (Twilio error 20500) instead of 201. */
  failNext(count?: number, status?: number): void;
  close(): Promise<void>;
}

// E.164: a plus sign and at most 15 digits, the first not zero — what Twilio accepts as a `To` number.
const E164 = /^\+[1-9]\d{1,14}$/;

/** Twilio's error body; `more_info` points at the error's documentation page, as Twilio's does. */
function twilioError(status: number, code: number, message: string): Response {
  return Response.json(
    { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
    { status },
  );
}

/** Twilio renders dates in RFC 2822 form. */
function rfc2822(date: Date): string {
  return date.toUTCString().replace("GMT", "+0000");
}

export async function startSmsPeer(options: SmsPeerOptions = {}): Promise<SmsPeer> {
  const accountSid = options.accountSid ?? `AC${randomBytes(16).toString("hex")}`;
  const authToken = options.authToken ?? randomBytes(16).toString("hex");
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`;
  const inbox = createInbox<ReceivedSms>("SMS");
  const messages = inbox.items;
  const requests: { status: number; to: string | null }[] = [];
  let failures: { remaining: number; status: number } = { remaining: 0, status: 500 };

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const match = url.pathname.match(/^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/);
    if (!match) {
      return twilioError(404, 20404, `The requested resource ${url.pathname} was not found`);
    }
    if (request.method !== "POST") return twilioError(405, 20004, "Method not allowed");
    // Twilio answers 401 for missing or wrong credentials, and for a path SID other than the caller's.
    if (
      request.headers.get("authorization") !== expectedAuth ||
      decodeURIComponent(match[1] ?? "") !== accountSid
    ) {
      return twilioError(401, 20003, "Authenticate");
    }
    const form = new URLSearchParams(await request.text());
    const to = form.get("To") ?? "";
    const from = form.get("From") ?? "";
    const body = form.get("Body") ?? "";
    if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
    if (!E164.test(to)) return twilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
    if (!from) return twilioError(400, 21603, "A 'From' phone number is required.");
    if (!body) return twilioError(400, 21602, "Message body is required.");
    if (failures.remaining > 0) {
      failures = { ...failures, remaining: failures.remaining - 1 };
      return twilioError(failures.status, 20500, "An internal server error has occurred");
    }
    const sid = `SM${randomBytes(16).toString("hex")}`;
    const now = rfc2822(new Date());
    inbox.push({ sid, to, from, body });
    return Response.json(
      {
        account_sid: accountSid,
        api_version: "2010-04-01",
        body,
        date_created: now,
        date_sent: null,
        date_updated: now,
        direction: "outbound-api",
        error_code: null,
        error_message: null,
        from,
        messaging_service_sid: null,
        num_media: "0",
        num_segments: "1",
        price: null,
        price_unit: "USD",
        sid,
        status: "queued",
        subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
        to,
        uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
      },
      { status: 201 },
    );
  }

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const to =
        request.method === "POST" ? new URLSearchParams(await request.clone().text()).get("To") : null;
      const response = await handle(request);
      requests.push({ status: response.status, to });
      return response;
    },
  });

  return {
    url: `http://127.0.0.1:${server.port}`,
    accountSid,
    authToken,
    messages,
    requests,
    waitFor: inbox.waitFor,

    failNext(count = 1, status = 500) {
      failures = { remaining: count, status };
    },
    close: () => server.stop(true),
  };
}

/** The first run of 4 to 10 digits in an SMS body (the one-time code of Gatehouse's templates). */
export function codeIn(sms: ReceivedSms): string {
  const code = sms.body.match(/\b\d{4,10}\b/)?.[0];
  if (!code) throw new Error(`no code in SMS: ${sms.body}`);
  return code;
}
