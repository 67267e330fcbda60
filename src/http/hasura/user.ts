/**
 * Hasura's user routes: signup and login per provider, the mobile OTP steps, and the signed-in user's own info,
 * logout and password change. Accounts are made by the account service; credentials are checked and sessions
 * opened through the core (src/identity/accounts/credentials.ts, over better-auth), so `auth_token` is a
 * Gatehouse session token that works as a Bearer token on every Gatehouse API.
 *
 * Mobile OTP (provider `mobile`, no password), as Hasura did it: `POST /v1/providers/mobile/send-otp`, then
 * `/v1/signup` or `/v1/login` with `{mobile, country_code, otp}`. A signup without `otp` creates the account,
 * sends the code itself and answers `auth_token: null`; the login with that code verifies the number and signs
 * in. Provider `mobile-password`: signup sends a code to verify the number (`auth_token: null`), which
 * `POST /v1/providers/mobile-password/verify-otp` takes; login with the password is `not-verified` until then.
 */
import { type Static, t } from "elysia";
import type { SecondFactorStep, SignedIn } from "../../identity/accounts/credentials.ts";
import type { NewAccount } from "../../identity/accounts/service.ts";
import type { AccountView } from "../../identity/accounts/view.ts";
import type { V1Services } from "../services.ts";
import { hasuraError } from "./errors.ts";
import { hasuraGroup } from "./group.ts";
import {
  AuthResponse,
  ChangePasswordBody,
  HasuraErrorSchema,
  HasuraUser,
  LoginBody,
  Message,
  MobileBody,
  MobileOtpBody,
  SignupBody,
} from "./model.ts";
import {
  ChallengeBody,
  LoginResponse,
  SecondFactorBody,
  toSecondFactorResponse,
  toTwoFactorStep,
} from "./two-factor.ts";
import { phoneOf, toAuthResponse, toHasuraUser } from "./wire.ts";

const tags = ["Hasura"];
const errors = {
  400: HasuraErrorSchema,
  401: HasuraErrorSchema,
  403: HasuraErrorSchema,
  500: HasuraErrorSchema,
};

type Signup = Static<typeof SignupBody>;
type Login = Static<typeof LoginBody>;

type LoginOutcome = SignedIn | { readonly secondFactor: SecondFactorStep };

/** A new account has no second factor yet, so signup's sign-in always ends in a session. */
function tokenOf(outcome: { readonly token: string | null } | { readonly secondFactor: unknown } | null) {
  return outcome && "token" in outcome ? outcome.token : null;
}

export function hasuraUserRoutes(v1: V1Services) {
  const { accounts, credentials, resolvePrincipal } = v1;

  /** The session behind the request's credential (Bearer session token or cookie), or 401. */
  async function sessionOf(headers: Headers) {
    const session = await credentials.session(headers);
    if (!session) throw hasuraError("unauthorized");
    return session;
  }

  async function create(input: NewAccount): Promise<AccountView> {
    // The core's sign-up policy, answered in Hasura's words.
    if (!accounts.signUpPolicy.enabled) throw hasuraError("not-enabled", "signup is disabled");
    return accounts.signUpAccount(input);
  }

  async function signup(
    body: Signup,
    headers: Headers,
  ): Promise<{ account: AccountView; token: string | null }> {
    // Every signup gets the role `user`. Accounts without an address have none to verify: they count as
    // verified, or REQUIRE_EMAIL_VERIFICATION would lock them out of signing in.
    const common = { globalRoles: ["user"], active: true } as const;
    switch (body.provider) {
      case "username": {
        const { username, password } = body.data;
        const account = await create({ ...common, username, password, emailVerified: true });
        const signedIn = await credentials.signInUsername(username, password, headers);
        return { account, token: tokenOf(signedIn) };
      }
      case "email": {
        const { email, password } = body.data;
        const account = await create({ ...common, email, password, emailVerified: false });
        await credentials.sendVerificationEmail(email);
        if (accounts.signUpPolicy.requireEmailVerification) return { account, token: null };
        const signedIn = await credentials.signInEmail(email, password, headers);
        return { account, token: tokenOf(signedIn) };
      }
      case "mobile-password": {
        const { mobile, country_code, password } = body.data;
        const phoneNumber = phoneOf(country_code, mobile);
        const account = await create({ ...common, phoneNumber, password, emailVerified: true });
        await credentials.sendPhoneNumberCode(phoneNumber);
        return { account, token: null };
      }
      case "mobile": {
        const { mobile, country_code, otp } = body.data;
        const phoneNumber = phoneOf(country_code, mobile);
        const account = await create({ ...common, phoneNumber, emailVerified: true });
        if (otp === undefined) {
          await credentials.sendPhoneNumberCode(phoneNumber);
          return { account, token: null };
        }
        try {
          const verified = await credentials.verifyPhoneNumber(phoneNumber, otp, { headers });
          return { account, token: tokenOf(verified) };
        } catch (error) {
          // A wrong code creates no account.
          await accounts.discardNewAccount(account.id).catch(() => {});
          throw error;
        }
      }
    }
  }

  async function login(body: Login, headers: Headers): Promise<LoginOutcome> {
    switch (body.provider) {
      case "username": {
        const signedIn = await credentials.signInUsername(body.data.username, body.data.password, headers);
        if (!signedIn) throw hasuraError("invalid-creds");
        return signedIn;
      }
      case "email":
        return credentials.signInEmail(body.data.email, body.data.password, headers);
      case "mobile-password": {
        const { mobile, country_code, password } = body.data;
        const phoneNumber = phoneOf(country_code, mobile);
        const signedIn = await credentials.signInPhoneNumber(phoneNumber, password, headers);
        if (!signedIn.phoneNumberVerified) {
          // The password was right, so saying why is safe; the session just opened must not outlive the answer
          // (a pending second-factor challenge is simply never handed out).
          if ("token" in signedIn) await credentials.endSession(signedIn.token);
          throw hasuraError("not-verified", "mobile number is not verified");
        }
        if ("secondFactor" in signedIn) return { secondFactor: signedIn.secondFactor };
        return { userId: signedIn.userId, token: signedIn.token };
      }
      case "mobile": {
        const { mobile, country_code, otp } = body.data;
        const phoneNumber = phoneOf(country_code, mobile);
        const verified = await credentials.verifyPhoneNumber(phoneNumber, otp, { headers });
        if ("secondFactor" in verified) return verified;
        if (!verified.token) throw hasuraError("unexpected-state");
        return { userId: verified.userId, token: verified.token };
      }
    }
  }

  return hasuraGroup("user")
    .post(
      "/v1/signup",
      async ({ body, request }) => {
        const { account, token } = await signup(body, request.headers);
        // Re-read: the sign-in just recorded the login.
        return toAuthResponse(await accounts.ownAccount(account.id), body.provider, token);
      },
      {
        body: SignupBody,
        response: { 200: AuthResponse, ...errors },
        detail: {
          tags,
          summary: "Sign up",
          description:
            "Creates an account with the role `user`. `username` signs in at once; `email` signs in at once " +
            "unless e-mail verification is required; `mobile-password` and `mobile` (without `otp`) send a code " +
            "by SMS and answer `auth_token: null` until it is used.",
        },
      },
    )
    .post(
      "/v1/login",
      async ({ body, request }) => {
        const outcome = await login(body, request.headers);
        if ("secondFactor" in outcome) return toTwoFactorStep(outcome.secondFactor);
        return toAuthResponse(await accounts.ownAccount(outcome.userId), body.provider, outcome.token);
      },
      {
        body: LoginBody,
        response: { 200: LoginResponse, ...errors },
        detail: {
          tags,
          summary: "Log in",
          description:
            "Provider `mobile` logs in with the code from `/v1/providers/mobile/send-otp` (or signup). For an " +
            "account with two-factor the right password (or code) answers `auth_token: null` and " +
            "`two_factor: {challenge, methods}`: complete it with `/v1/login/two-factor`.",
        },
      },
    )
    .post(
      "/v1/login/two-factor",
      async ({ body, request }) => {
        const signedIn = await credentials.completeSecondFactor(
          body.challenge,
          body.method,
          body.code,
          request.headers,
        );
        if (!signedIn) throw hasuraError("invalid-args");
        return toSecondFactorResponse(await accounts.ownAccount(signedIn.userId), signedIn.token);
      },
      {
        body: SecondFactorBody,
        response: { 200: AuthResponse, ...errors },
        detail: {
          tags,
          summary: "Complete a two-factor login",
          description:
            "The second step of `/v1/login` for an account with two-factor: the challenge it answered and a " +
            "code (`totp` from the authenticator app, `otp` from `/v1/login/two-factor/send-otp`, or a " +
            "`backup_code`). A wrong code is `invalid-creds`.",
        },
      },
    )
    .post(
      "/v1/login/two-factor/send-otp",
      async ({ body, request }) => {
        if (!(await credentials.sendSecondFactorCode(body.challenge, request.headers)))
          throw hasuraError("invalid-args");
        return { message: "OTP sent" };
      },
      {
        body: ChallengeBody,
        response: { 200: Message, ...errors },
        detail: { tags, summary: "Send the e-mail code of a pending two-factor login" },
      },
    )
    .post(
      "/v1/providers/mobile/send-otp",
      async ({ body }) => {
        await credentials.sendPhoneNumberCode(phoneOf(body.country_code, body.mobile));
        return { message: "OTP sent" };
      },
      {
        body: MobileBody,
        response: { 200: Message, ...errors },
        detail: { tags, summary: "Send a login or signup code by SMS (provider mobile)" },
      },
    )
    .post(
      "/v1/providers/mobile-password/resend-otp",
      async ({ body }) => {
        await credentials.sendPhoneNumberCode(phoneOf(body.country_code, body.mobile));
        return { message: "OTP sent" };
      },
      {
        body: MobileBody,
        response: { 200: Message, ...errors },
        detail: { tags, summary: "Send the verification code again (provider mobile-password)" },
      },
    )
    .post(
      "/v1/providers/mobile-password/verify-otp",
      async ({ body }) => {
        const phoneNumber = phoneOf(body.country_code, body.mobile);
        await credentials.verifyPhoneNumber(phoneNumber, body.otp, { disableSession: true });
        return { message: "mobile number verified" };
      },
      {
        body: MobileOtpBody,
        response: { 200: Message, ...errors },
        detail: { tags, summary: "Verify the mobile number (provider mobile-password)" },
      },
    )
    .get(
      "/v1/user/info",
      async ({ request }) => {
        const principal = await resolvePrincipal(request.headers);
        if (principal?.kind !== "user") throw hasuraError("unauthorized");
        const session = principal.via === "session" ? await credentials.session(request.headers) : null;
        return toHasuraUser(await accounts.ownAccount(principal.userId), session?.token ?? null);
      },
      {
        response: { 200: HasuraUser, ...errors },
        detail: {
          tags,
          summary: "The signed-in user",
          description: "`auth_token` is the session token of the request (null for a JWT).",
        },
      },
    )
    .post(
      "/v1/user/logout",
      async ({ request }) => {
        const session = await sessionOf(request.headers);
        await credentials.endSession(session.token);
        return { message: "logged out" };
      },
      {
        body: t.Optional(t.Object({})),
        response: { 200: Message, ...errors },
        detail: { tags, summary: "End the request's session" },
      },
    )
    .post(
      "/v1/user/change-password",
      async ({ body, request }) => {
        await sessionOf(request.headers);
        await credentials.changePassword(request.headers, body.old_password, body.new_password);
        return { message: "password updated" };
      },
      {
        body: ChangePasswordBody,
        response: { 200: Message, ...errors },
        detail: { tags, summary: "Change the signed-in user's password" },
      },
    );
}
