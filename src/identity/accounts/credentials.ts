/**
 * Signing in and out, one-time codes and password changes, for the dialects that speak their own credential
 * protocol (Hasura): the only place outside better-auth's own routes that calls better-auth's API. Credentials
 * are checked and sessions opened by better-auth, so a token from here works as a Bearer token everywhere.
 *
 * An account with two-factor gets no session from the first step: better-auth answers a challenge, carried in its
 * signed `two_factor` cookie (src/auth/plugins/two-factor.ts). Dialects without cookies get that cookie's value
 * as an opaque `challenge` string and hand it back with the code (completeSecondFactor).
 */
import type { Auth } from "../../auth/index.ts";

export interface SignedIn {
  readonly userId: string;
  readonly token: string;
}

/** The pending sign-in of an account with two-factor: what it takes to complete it. */
export interface SecondFactorStep {
  readonly challenge: string;
  /** better-auth's methods offered for this account: "totp", "otp" (a code by e-mail); backup codes always. */
  readonly methods: readonly string[];
}

export type SecondFactorMethod = "totp" | "otp" | "backup_code";

/** A first sign-in step's outcome: a session, or the second factor still due. */
export type SignInOutcome = SignedIn | { readonly secondFactor: SecondFactorStep };

// better-auth's name for the challenge cookie (TWO_FACTOR_COOKIE_NAME of its twoFactor plugin).
const TWO_FACTOR_COOKIE = "two_factor";
/** A signed cookie value as better-call writes it (URL-encoded `value.signature`): nothing that splits a header. */
export const CHALLENGE_PATTERN = "^[A-Za-z0-9%._~+/=-]{1,512}$";
const CHALLENGE = new RegExp(CHALLENGE_PATTERN);

interface WithHeaders<T> {
  readonly headers: Headers | null;
  readonly response: T;
}

function isChallengeAnswer(value: unknown): value is { twoFactorMethods?: string[] } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { twoFactorRedirect?: unknown }).twoFactorRedirect === true
  );
}

export function createCredentialService(deps: { auth: Auth }) {
  const { auth } = deps;
  const internal = async () => (await auth.$context).internalAdapter;
  const challengeCookie = async () => (await auth.$context).createAuthCookie(TWO_FACTOR_COOKIE).name;

  /** The challenge of a first step that better-auth answered with one, else null. */
  async function secondFactorOf(answer: WithHeaders<unknown>): Promise<SecondFactorStep | null> {
    if (!isChallengeAnswer(answer.response)) return null;
    const name = `${await challengeCookie()}=`;
    const line = answer.headers?.getSetCookie().find((cookie) => cookie.startsWith(name));
    const challenge = line?.slice(name.length).split(";")[0];
    if (!challenge) throw new Error("better-auth answered a two-factor challenge without its cookie");
    return { challenge, methods: [...(answer.response.twoFactorMethods ?? []), "backup_code"] };
  }

  /** Headers for a second-factor call: the challenge as its cookie, and no other credential of the request. */
  async function challengeHeaders(challenge: string, request?: Headers): Promise<Headers | null> {
    if (!CHALLENGE.test(challenge)) return null;
    const headers = new Headers(request);
    headers.delete("authorization");
    headers.set("cookie", `${await challengeCookie()}=${challenge}`);
    return headers;
  }

  return {
    /** null when better-auth answers without a session (it does not for a wrong password: that throws). */
    async signInUsername(
      username: string,
      password: string,
      headers: Headers,
    ): Promise<SignInOutcome | null> {
      const answer = await auth.api.signInUsername({
        body: { username, password },
        headers,
        returnHeaders: true,
      });
      const secondFactor = await secondFactorOf(answer);
      if (secondFactor) return { secondFactor };
      const signedIn = answer.response;
      return signedIn ? { userId: signedIn.user.id, token: signedIn.token } : null;
    },

    async signInEmail(email: string, password: string, headers: Headers): Promise<SignInOutcome> {
      const answer = await auth.api.signInEmail({ body: { email, password }, headers, returnHeaders: true });
      const secondFactor = await secondFactorOf(answer);
      if (secondFactor) return { secondFactor };
      return { userId: answer.response.user.id, token: answer.response.token };
    },

    async signInPhoneNumber(
      phoneNumber: string,
      password: string,
      headers: Headers,
    ): Promise<
      | (SignedIn & { readonly phoneNumberVerified: boolean })
      | { readonly secondFactor: SecondFactorStep; readonly phoneNumberVerified: boolean }
    > {
      const answer = await auth.api.signInPhoneNumber({
        body: { phoneNumber, password },
        headers,
        returnHeaders: true,
      });
      const secondFactor = await secondFactorOf(answer);
      if (secondFactor) {
        // The challenge answer names no user; the number's account says whether it is verified.
        const user = await (await auth.$context).adapter.findOne<{ phoneNumberVerified?: unknown }>({
          model: "user",
          where: [{ field: "phoneNumber", value: phoneNumber }],
        });
        return { secondFactor, phoneNumberVerified: Boolean(user?.phoneNumberVerified) };
      }
      const signedIn = answer.response;
      return {
        userId: signedIn.user.id,
        token: signedIn.token,
        phoneNumberVerified: Boolean(signedIn.user.phoneNumberVerified),
      };
    },

    /**
     * Verifies the number with its code; opens a session unless `disableSession` (or the account has two-factor:
     * then the second factor is due).
     */
    async verifyPhoneNumber(
      phoneNumber: string,
      code: string,
      options: { headers?: Headers; disableSession?: boolean } = {},
    ): Promise<
      { readonly userId: string; readonly token: string | null } | { readonly secondFactor: SecondFactorStep }
    > {
      const answer = await auth.api.verifyPhoneNumber({
        body: { phoneNumber, code, ...(options.disableSession ? { disableSession: true } : {}) },
        ...(options.headers ? { headers: options.headers } : {}),
        returnHeaders: true,
      });
      const secondFactor = await secondFactorOf(answer);
      if (secondFactor) return { secondFactor };
      return { userId: answer.response.user.id, token: answer.response.token ?? null };
    },

    /** The session a second factor opens for a challenge; null for a malformed challenge. */
    async completeSecondFactor(
      challenge: string,
      method: SecondFactorMethod,
      code: string,
      request?: Headers,
    ): Promise<SignedIn | null> {
      const headers = await challengeHeaders(challenge, request);
      if (!headers) return null;
      const body = { code };
      const verified =
        method === "totp"
          ? await auth.api.verifyTOTP({ body, headers })
          : method === "otp"
            ? await auth.api.verifyTwoFactorOTP({ body, headers })
            : await auth.api.verifyBackupCode({ body, headers });
      // Never without a session here: disableSession is not asked for.
      if (!verified.token) throw new Error("the second factor opened no session");
      return { userId: verified.user.id, token: verified.token };
    },

    /** Sends the e-mail code of a pending challenge; false for a malformed challenge. */
    async sendSecondFactorCode(challenge: string, request?: Headers): Promise<boolean> {
      const headers = await challengeHeaders(challenge, request);
      if (!headers) return false;
      await auth.api.sendTwoFactorOTP({ headers });
      return true;
    },

    async sendPhoneNumberCode(phoneNumber: string): Promise<void> {
      await auth.api.sendPhoneNumberOTP({ body: { phoneNumber } });
    },

    async sendVerificationEmail(email: string): Promise<void> {
      await auth.api.sendVerificationEmail({ body: { email } });
    },

    /** The session behind the request's credential (Bearer session token or cookie), or null. */
    async session(headers: Headers): Promise<{ readonly token: string; readonly userId: string } | null> {
      const session = await auth.api.getSession({ headers }).catch(() => null);
      return session ? { token: session.session.token, userId: session.user.id } : null;
    },

    async endSession(token: string): Promise<void> {
      await (await internal()).deleteSession(token);
    },

    async changePassword(headers: Headers, currentPassword: string, newPassword: string): Promise<void> {
      // The user's other sessions end with the old password (ASVS 7.4.3), as on better-auth's own route; the
      // request's session is kept (better-auth's revokeOtherSessions would replace it with a new token, which a
      // Hasura client, answered only a message, could not learn).
      await auth.api.changePassword({
        body: { currentPassword, newPassword, revokeOtherSessions: false },
        headers,
      });
      await auth.api.revokeOtherSessions({ headers });
    },
  };
}

export type CredentialService = ReturnType<typeof createCredentialService>;
