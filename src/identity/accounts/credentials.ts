/**
 * Signing in and out, one-time codes and password changes, for the dialects that speak their own credential
 * protocol (Hasura): the only place outside better-auth's own routes that calls better-auth's API. Credentials
 * are checked and sessions opened by better-auth, so a token from here works as a Bearer token everywhere.
 */
import type { Auth } from "../../auth/index.ts";

export interface SignedIn {
  readonly userId: string;
  readonly token: string;
}

export function createCredentialService(deps: { auth: Auth }) {
  const { auth } = deps;
  const internal = async () => (await auth.$context).internalAdapter;

  return {
    /** null when better-auth answers without a session (it does not for a wrong password: that throws). */
    async signInUsername(username: string, password: string, headers: Headers): Promise<SignedIn | null> {
      const signedIn = await auth.api.signInUsername({ body: { username, password }, headers });
      return signedIn ? { userId: signedIn.user.id, token: signedIn.token } : null;
    },

    async signInEmail(email: string, password: string, headers: Headers): Promise<SignedIn> {
      const signedIn = await auth.api.signInEmail({ body: { email, password }, headers });
      return { userId: signedIn.user.id, token: signedIn.token };
    },

    async signInPhoneNumber(
      phoneNumber: string,
      password: string,
      headers: Headers,
    ): Promise<SignedIn & { readonly phoneNumberVerified: boolean }> {
      const signedIn = await auth.api.signInPhoneNumber({ body: { phoneNumber, password }, headers });
      return {
        userId: signedIn.user.id,
        token: signedIn.token,
        phoneNumberVerified: Boolean(signedIn.user.phoneNumberVerified),
      };
    },

    /** Verifies the number with its code; opens a session unless `disableSession`. */
    async verifyPhoneNumber(
      phoneNumber: string,
      code: string,
      options: { headers?: Headers; disableSession?: boolean } = {},
    ): Promise<{ readonly userId: string; readonly token: string | null }> {
      const verified = await auth.api.verifyPhoneNumber({
        body: { phoneNumber, code, ...(options.disableSession ? { disableSession: true } : {}) },
        ...(options.headers ? { headers: options.headers } : {}),
      });
      return { userId: verified.user.id, token: verified.token ?? null };
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
      await auth.api.changePassword({ body: { currentPassword, newPassword }, headers });
    },
  };
}

export type CredentialService = ReturnType<typeof createCredentialService>;
