/**
 * The second-factor step of Hasura's `/v1/login` (Gatehouse's addition: Hasura Auth v1 had none). For an account
 * with two-factor, the right first factor (password or SMS code) answers 200 with `auth_token: null` and
 * `two_factor: {challenge, methods}` — no session and no identity yet; then
 * `POST /v1/login/two-factor {challenge, method, code}` answers the usual login body with the `auth_token`.
 * Method `otp` takes a code sent by e-mail with `POST /v1/login/two-factor/send-otp {challenge}`. A challenge
 * lives 10 minutes and allows a few wrong codes (better-auth's twoFactor rules).
 */
import { type Static, t } from "elysia";
import { CHALLENGE_PATTERN, type SecondFactorStep } from "../../identity/accounts/credentials.ts";
import type { AccountView } from "../../identity/accounts/view.ts";
import { AuthResponse } from "./model.ts";
import { mobileOf } from "./wire.ts";

const Challenge = t.String({
  pattern: CHALLENGE_PATTERN,
  description: "The `two_factor.challenge` of the `/v1/login` answer",
});

export const TwoFactorStep = t.Object(
  {
    auth_token: t.Null({ description: "null: the second factor is still due" }),
    two_factor: t.Object({
      challenge: Challenge,
      methods: t.Array(t.String(), {
        description: "`totp` (authenticator app), `otp` (a code by e-mail), `backup_code`",
      }),
    }),
  },
  { title: "HasuraTwoFactorStep" },
);
export type TwoFactorStepBody = Static<typeof TwoFactorStep>;

/** What `/v1/login` answers: a session, or the second factor still due. */
export const LoginResponse = t.Union([AuthResponse, TwoFactorStep], { title: "HasuraLoginResponse" });

export const SecondFactorBody = t.Object({
  challenge: Challenge,
  method: t.Union([t.Literal("totp"), t.Literal("otp"), t.Literal("backup_code")]),
  code: t.String({ minLength: 1, maxLength: 64, description: "The code of the chosen method" }),
});

export const ChallengeBody = t.Object({ challenge: Challenge });

export function toTwoFactorStep(step: SecondFactorStep): TwoFactorStepBody {
  return { auth_token: null, two_factor: { challenge: step.challenge, methods: [...step.methods] } };
}

/** The login body once the second factor is done, with every identifier of the account. */
export function toSecondFactorResponse(account: AccountView, authToken: string): Static<typeof AuthResponse> {
  return {
    auth_token: authToken,
    hasura_id: account.numericId,
    hasura_roles: [...account.globalRoles],
    username: account.username,
    email: account.email,
    mobile: mobileOf(account.phoneNumber),
  };
}
