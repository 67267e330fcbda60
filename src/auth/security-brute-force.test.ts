/**
 * Attacks on sign-in by guessing (issue items 4 and 10): each test is one attack, through the public surfaces.
 * The rules under test: src/auth/brute-force.ts (5 failures lock an account, 20 an address) and
 * src/auth/rate-limits.ts (flood limits only).
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { type TOTP, URI } from "otpauth";
import { linkIn } from "../../test/helpers/smtp-peer.ts";
import { createTestApp, type TestApp } from "../../test/helpers/test-app.ts";

const PASSWORD = "right-password-123";
/** Tests that sign up or sign in a dozen times: slow on PostgreSQL on a busy 2-core machine. */
const SLOW_MS = 30_000;

let t: TestApp;
let ipCounter = 0;
/** A fresh address per call: nothing here may be slowed by a per-address rule by accident. */
const nextIp = () => `198.18.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;
let accountCounter = 0;

beforeAll(async () => {
  t = await createTestApp({ env: { RATE_LIMIT_ENABLED: "true" } });
});
afterAll(() => t.close());

async function newAccount(prefix: string): Promise<{ email: string; username: string }> {
  const n = ++accountCounter;
  const account = { email: `${prefix}-${n}@example.com`, username: `${prefix}${n}` };
  const up = await t.request("/api/auth/sign-up/email", {
    json: { ...account, password: PASSWORD, name: "Target" },
    ip: nextIp(),
  });
  expect(up.status).toBe(200);
  return account;
}

const signInEmail = (email: string, password: string, ip = nextIp()) =>
  t.request("/api/auth/sign-in/email", { json: { email, password }, ip });

async function expectLockedOut(response: Response): Promise<void> {
  expect(response.status).toBe(429);
  expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
  expect(((await response.json()) as { code: string }).code).toBe("RATE_LIMITED");
}

describe("brute force against one account", () => {
  it(
    "locks the account after 5 wrong passwords sent from 5 different addresses (a distributed guess)",
    async () => {
      const { email } = await newAccount("distributed");
      for (let i = 0; i < 5; i++) expect((await signInEmail(email, `wrong-guess-${i}`)).status).toBe(401);
      // The right password from yet another address is refused too: the guesser cannot tell it was right.
      await expectLockedOut(await signInEmail(email, PASSWORD));
    },
    SLOW_MS,
  );

  it(
    "counts failures across sign-in paths and surfaces (e-mail, username, Hasura /v1/login) for one account",
    async () => {
      const { email, username } = await newAccount("paths");
      expect((await signInEmail(email, "wrong-guess-1")).status).toBe(401);
      expect((await signInEmail(email, "wrong-guess-2")).status).toBe(401);
      const byUsername = (password: string) =>
        t.request("/api/auth/sign-in/username", { json: { username, password }, ip: nextIp() });
      expect((await byUsername("wrong-guess-3")).status).toBe(401);
      expect((await byUsername("wrong-guess-4")).status).toBe(401);
      const hasura = await t.request("/v1/login", {
        json: { provider: "email", data: { email, password: "wrong-guess-5" } },
        ip: nextIp(),
      });
      expect(hasura.status).toBe(400);
      expect(((await hasura.json()) as { code: string }).code).toBe("invalid-creds");
      await expectLockedOut(await byUsername(PASSWORD));
      const hasuraLocked = await t.request("/v1/login", {
        json: { provider: "email", data: { email, password: PASSWORD } },
        ip: nextIp(),
      });
      expect(hasuraLocked.status).toBe(429);
      expect(await hasuraLocked.json()).toMatchObject({ code: "too-many-requests" });
    },
    SLOW_MS,
  );

  it(
    "counts wrong passwords on /verify-password as sign-in attempts (a stolen session probing the password)",
    async () => {
      const { email } = await newAccount("verify");
      const token = await t.signIn(email, PASSWORD);
      for (let i = 0; i < 5; i++) {
        const probe = await t.request("/api/auth/verify-password", {
          token,
          json: { password: `wrong-guess-${i}` },
          ip: nextIp(),
        });
        expect(probe.status).toBe(400);
      }
      await expectLockedOut(await signInEmail(email, PASSWORD));
    },
    SLOW_MS,
  );

  it(
    "counts wrong passwords on /delete-user and keeps the account when the right one comes during the lockout",
    async () => {
      const { email } = await newAccount("delete");
      const token = await t.signIn(email, PASSWORD);
      const remove = (password: string) =>
        t.request("/api/auth/delete-user", { token, json: { password }, ip: nextIp() });
      for (let i = 0; i < 5; i++) {
        const refused = await remove(`wrong-guess-${i}`);
        expect(await refused.json()).toMatchObject({ code: "INVALID_PASSWORD" });
        expect(refused.status).toBe(400);
      }
      await expectLockedOut(await remove(PASSWORD));
      const row = await t.deps.db.kysely
        .selectFrom("user")
        .select("id")
        .where("email", "=", email)
        .executeTakeFirst();
      expect(row).toBeDefined();
    },
    SLOW_MS,
  );

  it(
    "locks an unknown e-mail address exactly like a known one (no enumeration through the lockout)",
    async () => {
      const email = "nobody-here@example.com";
      for (let i = 0; i < 5; i++) expect((await signInEmail(email, `wrong-guess-${i}`)).status).toBe(401);
      await expectLockedOut(await signInEmail(email, PASSWORD));
    },
    SLOW_MS,
  );

  it(
    "does not lock out a user who mistypes four times at home, signs in, then mistypes four times again",
    async () => {
      const { email } = await newAccount("forgets");
      const home = nextIp();
      const attempt = (password: string) => signInEmail(email, password, home);
      for (let i = 0; i < 4; i++) expect((await attempt(`wrong-guess-${i}`)).status).toBe(401);
      // The sign-in forgets the account's failures (the address's are kept: 8 stay far below 20).
      expect((await attempt(PASSWORD)).status).toBe(200);
      for (let i = 0; i < 4; i++) expect((await attempt(`wrong-again-${i}`)).status).toBe(401);
      expect((await attempt(PASSWORD)).status).toBe(200);
    },
    SLOW_MS,
  );
});

describe("brute force against a second factor", () => {
  /** A 6-digit code that the authenticator would not give now (the server accepts the periods around now). */
  function wrongCode(totp: TOTP): string {
    const valid = new Set([-1, 0, 1].map((o) => totp.generate({ timestamp: Date.now() + o * 30_000 })));
    for (let n = 0; ; n++) {
      const candidate = String(n).padStart(6, "0");
      if (!valid.has(candidate)) return candidate;
    }
  }

  it(
    "counts wrong TOTP codes per account across fresh password steps (a guesser who knows the password)",
    async () => {
      const { email } = await newAccount("totp");
      const token = await t.signIn(email, PASSWORD);
      const enabled = await t.request("/api/auth/two-factor/enable", { token, json: { password: PASSWORD } });
      expect(enabled.status).toBe(200);
      const totp = URI.parse(((await enabled.json()) as { totpURI: string }).totpURI) as TOTP;
      const confirmed = await t.request("/api/auth/two-factor/verify-totp", {
        token,
        json: { code: totp.generate() },
      });
      expect(confirmed.status).toBe(200);
      // Each password step gives a new challenge cookie, and better-auth's attempt count per cookie with it; three
      // wrong codes on one challenge and two on the next make 5 failures of one account.
      for (let step = 0; step < 2; step++) {
        const signedIn = await signInEmail(email, PASSWORD);
        expect(await signedIn.json()).toMatchObject({ twoFactorRedirect: true });
        const cookie = signedIn.headers
          .getSetCookie()
          .map((line) => line.split(";")[0] ?? "")
          .filter((pair) => pair.includes("two_factor="))
          .join("; ");
        expect(cookie).not.toBe("");
        for (let i = 0; i < 3 - step; i++) {
          const guess = await t.request("/api/auth/two-factor/verify-totp", {
            json: { code: wrongCode(totp) },
            headers: { cookie, origin: t.baseUrl },
            ip: nextIp(),
          });
          expect(guess.status).toBe(401);
        }
      }
      await expectLockedOut(await signInEmail(email, PASSWORD));
    },
    SLOW_MS,
  );
});

describe("brute force from one address", () => {
  it(
    "does not throttle 10 different people signing in from one address (an office behind NAT)",
    async () => {
      const office = nextIp();
      const people = [];
      for (let i = 0; i < 10; i++) people.push(await newAccount("office"));
      for (const { email } of people) expect((await signInEmail(email, PASSWORD, office)).status).toBe(200);
      // The same through the Hasura dialect.
      for (const { email } of people.slice(0, 5)) {
        const login = await t.request("/v1/login", {
          json: { provider: "email", data: { email, password: PASSWORD } },
          ip: office,
        });
        expect(login.status).toBe(200);
      }
    },
    SLOW_MS,
  );

  it(
    "locks the address after 20 wrong passwords across 20 accounts (password spraying), not other addresses",
    async () => {
      const sprayer = nextIp();
      for (let i = 0; i < 20; i++) {
        expect((await signInEmail(`sprayed-${i}@example.com`, "Summer2026!", sprayer)).status).toBe(401);
      }
      const victim = await newAccount("sprayed");
      await expectLockedOut(await signInEmail(victim.email, PASSWORD, sprayer));
      expect((await signInEmail(victim.email, PASSWORD)).status).toBe(200);
    },
    SLOW_MS,
  );
});

describe("mail floods", () => {
  it(
    "limits reset mails to one recipient from many addresses (5 an hour), while another recipient still gets one",
    async () => {
      const { email } = await newAccount("inbox");
      const reset = (to: string) =>
        t.request("/api/auth/request-password-reset", { json: { email: to, redirectTo: "/" }, ip: nextIp() });
      for (let i = 0; i < 5; i++) expect((await reset(email)).status).toBe(200);
      await expectLockedOut(await reset(email));
      expect((await reset((await newAccount("other-inbox")).email)).status).toBe(200);
    },
    SLOW_MS,
  );
});

describe("older links (item 10)", () => {
  it(
    "refuses the first reset link once a second one has been issued; the newest one works",
    async () => {
      const { email } = await newAccount("relink");
      const tokens: string[] = [];
      for (let i = 0; i < 2; i++) {
        const before = t.smtp.messages.length;
        const asked = await t.request("/api/auth/request-password-reset", {
          json: { email, redirectTo: "/reset" },
          ip: nextIp(),
        });
        expect(asked.status).toBe(200);
        const mail = await t.smtp.waitFor(
          (m) =>
            t.smtp.messages.indexOf(m) >= before &&
            m.to.includes(email) &&
            m.text.includes("/reset-password/"),
        );
        const link = new URL(linkIn(mail, t.baseUrl));
        tokens.push(link.pathname.split("/").pop() ?? "");
      }
      const [first, second] = tokens as [string, string];
      const reset = (token: string, newPassword: string) =>
        t.request("/api/auth/reset-password", { json: { token, newPassword }, ip: nextIp() });
      const stale = await reset(first, "stale-link-password-1");
      expect(stale.status).toBe(400);
      expect(((await stale.json()) as { code: string }).code).toBe("INVALID_TOKEN");
      expect((await signInEmail(email, PASSWORD)).status).toBe(200);
      expect((await reset(second, "fresh-link-password-1")).status).toBe(200);
      expect((await signInEmail(email, "fresh-link-password-1")).status).toBe(200);
    },
    SLOW_MS,
  );

  /** The path (with query) of the link to `path` in the first mail to `to` received after `after` mails. */
  async function linkPath(to: string, path: string, after: number): Promise<string> {
    const mail = await t.smtp.waitFor(
      (m) => t.smtp.messages.indexOf(m) >= after && m.to.includes(to) && m.text.includes(path),
    );
    const link = new URL(linkIn(mail, `${t.baseUrl}/api/auth${path}`));
    return `${link.pathname}${link.search}`;
  }
  const userRow = (email: string) =>
    t.deps.db.kysely
      .selectFrom("user")
      .select(["email", "emailVerified"])
      .where("email", "=", email)
      .executeTakeFirst();

  it(
    "refuses the first e-mail verification link once a second one has been sent; the newest one verifies",
    async () => {
      const before = t.smtp.messages.length;
      const { email } = await newAccount("reverify");
      const first = await linkPath(email, "/verify-email?token=", before);
      // The link is a JWT whose times have a resolution of one second: a link asked for within the same second
      // is the very same link. Ask for the second one in the next second.
      await Bun.sleep(1100);
      const next = t.smtp.messages.length;
      const resent = await t.request("/api/auth/send-verification-email", {
        json: { email, callbackURL: "/welcome" },
        ip: nextIp(),
      });
      expect(resent.status).toBe(200);
      const second = await linkPath(email, "/verify-email?token=", next);
      const tokenOf = (path: string) => new URL(path, t.baseUrl).searchParams.get("token");
      expect(tokenOf(second)).not.toBe(tokenOf(first));
      const stale = await t.request(first);
      expect(stale.status).toBe(302);
      expect(stale.headers.get("location")).toContain("error=INVALID_TOKEN");
      expect(Boolean((await userRow(email))?.emailVerified)).toBe(false);
      const fresh = await t.request(second);
      expect(fresh.status).toBe(302);
      expect(fresh.headers.get("location")).not.toContain("error=");
      expect(Boolean((await userRow(email))?.emailVerified)).toBe(true);
    },
    SLOW_MS,
  );

  it(
    "refuses the first change-e-mail confirmation once a second change was asked; the newest one proceeds",
    async () => {
      const before = t.smtp.messages.length;
      const { email } = await newAccount("rechange");
      expect((await t.request(await linkPath(email, "/verify-email?token=", before))).status).toBe(302);
      const token = await t.signIn(email, PASSWORD);
      const confirmations: string[] = [];
      for (const newEmail of [`first-${email}`, `second-${email}`]) {
        const next = t.smtp.messages.length;
        const asked = await t.request("/api/auth/change-email", { token, json: { newEmail }, ip: nextIp() });
        expect(asked.status).toBe(200);
        confirmations.push(await linkPath(email, "/verify-email?token=", next));
      }
      const [first, second] = confirmations as [string, string];
      const stale = await t.request(first, { token });
      expect(stale.status).toBe(302);
      expect(stale.headers.get("location")).toContain("error=INVALID_TOKEN");
      const next = t.smtp.messages.length;
      const fresh = await t.request(second, { token });
      expect(fresh.status).toBe(302);
      expect(fresh.headers.get("location")).not.toContain("error=");
      // The newest change goes on: its new address is asked to verify, and the account keeps its address till then.
      expect(await linkPath(`second-${email}`, "/verify-email?token=", next)).toContain("token=");
      expect((await userRow(email))?.email).toBe(email);
    },
    SLOW_MS,
  );
});
