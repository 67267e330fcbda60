/**
 * Google One Tap (`POST /one-tap/callback {idToken}`), with better-auth's semantics: verify the Google ID token,
 * find or create the user, link the Google account, open a session and answer `{token, user}`.
 *
 * Gatehouse's own copy because better-auth's oneTap (1.7.25) fetches Google's keys from a hard-coded URL; here
 * the JWKS URL comes from configuration (`GOOGLE_JWKS_URL`), so a deployment behind an egress proxy, and the
 * tests, can serve the keys themselves. The issuer stays Google's.
 */
import { BASE_ERROR_CODES, type BetterAuthPlugin } from "better-auth";
import { APIError, createAuthEndpoint } from "better-auth/api";
import { setSessionCookie } from "better-auth/cookies";
import { parseUserOutput } from "better-auth/db";
import { handleOAuthUserInfo } from "better-auth/oauth2";
import { createRemoteJWKSet, type JWTPayload, errors as joseErrors, jwtVerify } from "jose";
import * as z from "zod";
import type { PluginDeps } from "./deps.ts";

/**
 * Refusals reuse better-auth's base codes where one fits (as `/sign-in/social` with an ID token does), so clients
 * and translations know them; two are Gatehouse's own, in better-auth's `{code, message}` form.
 */
export const ONE_TAP_ERROR_CODES = {
  ACCOUNT_NOT_LINKED: {
    code: "ACCOUNT_NOT_LINKED",
    message: "An account with this e-mail exists and the provider has not verified the e-mail",
  },
  GOOGLE_KEYS_UNAVAILABLE: {
    code: "GOOGLE_KEYS_UNAVAILABLE",
    message: "Google's signing keys could not be fetched; try again later",
  },
} as const;

// Google documents both spellings of its issuer.
const GOOGLE_ISSUERS = ["https://accounts.google.com", "accounts.google.com"];
// Google signs ID tokens with RS256 only; refusing others closes algorithm-confusion attacks.
const GOOGLE_ALGORITHMS = ["RS256"];
// Google's ID tokens live one hour; an older one is a replay (better-auth applies the same bound).
const MAX_TOKEN_AGE = "1h";

/** Errors that say the keys could not be had, as opposed to a token that does not verify against them. */
const KEY_SOURCE_ERRORS = new Set(["ERR_JWKS_TIMEOUT", "ERR_JWKS_INVALID", "ERR_JOSE_GENERIC"]);

const bodySchema = z.object({
  idToken: z.string().min(1).meta({ description: "Google ID token, which the client obtains from One Tap" }),
  // Sent so that the origin-check middleware validates the post-login redirect against trustedOrigins.
  callbackURL: z.string().meta({ description: "URL to redirect to after a successful sign-in" }).optional(),
});

function refusal(error: unknown): APIError {
  if (error instanceof joseErrors.JOSEError && !KEY_SOURCE_ERRORS.has(error.code)) {
    return APIError.from("BAD_REQUEST", BASE_ERROR_CODES.INVALID_TOKEN);
  }
  return APIError.from("SERVICE_UNAVAILABLE", ONE_TAP_ERROR_CODES.GOOGLE_KEYS_UNAVAILABLE);
}

/** `handleOAuthUserInfo`'s error strings → codes (better-auth's oneTap answers them with a message only). */
function signInRefusal(error: string): APIError {
  if (error === "email_not_verified") return APIError.from("FORBIDDEN", BASE_ERROR_CODES.EMAIL_NOT_VERIFIED);
  if (error === "account not linked")
    return APIError.from("UNAUTHORIZED", ONE_TAP_ERROR_CODES.ACCOUNT_NOT_LINKED);
  if (error === "unable to create user")
    return APIError.from("UNAUTHORIZED", BASE_ERROR_CODES.FAILED_TO_CREATE_USER);
  return APIError.from("UNAUTHORIZED", BASE_ERROR_CODES.FAILED_TO_CREATE_SESSION);
}

function emailVerified(payload: JWTPayload): boolean {
  return payload.email_verified === true || payload.email_verified === "true";
}

export function oneTapPlugin({ config }: PluginDeps) {
  const google = config.socialProviders.google;
  // One key set per process: jose caches the keys and refetches on an unknown `kid` (rate-limited).
  const keys = createRemoteJWKSet(new URL(config.googleJwksUrl));

  return {
    id: "one-tap",
    endpoints: {
      oneTapCallback: createAuthEndpoint(
        "/one-tap/callback",
        {
          method: "POST",
          body: bodySchema,
          metadata: {
            openapi: {
              summary: "One tap callback",
              description: "Use this endpoint to authenticate with Google One Tap",
              responses: {
                200: {
                  description: "Signed in: the session token and the user",
                  content: {
                    "application/json": {
                      schema: {
                        type: "object",
                        properties: {
                          token: { type: "string" },
                          user: { $ref: "#/components/schemas/User" },
                        },
                      },
                    },
                  },
                },
                400: { description: "Invalid ID token" },
              },
            },
          },
        },
        async (ctx) => {
          // 400 as better-auth answers; not 404, which would read as "no such route".
          if (!google) throw APIError.from("BAD_REQUEST", BASE_ERROR_CODES.PROVIDER_NOT_FOUND);
          const payload = await jwtVerify(ctx.body.idToken, keys, {
            issuer: GOOGLE_ISSUERS,
            audience: google.clientId,
            algorithms: GOOGLE_ALGORITHMS,
            maxTokenAge: MAX_TOKEN_AGE,
            requiredClaims: ["sub", "exp", "iat"],
          }).then(
            (verified) => verified.payload,
            (error: unknown) => {
              throw refusal(error);
            },
          );
          const { sub, email, name, picture } = payload;
          if (typeof sub !== "string" || sub === "") {
            throw APIError.from("BAD_REQUEST", BASE_ERROR_CODES.INVALID_TOKEN);
          }
          if (typeof email !== "string" || email === "") {
            throw APIError.from("BAD_REQUEST", BASE_ERROR_CODES.USER_EMAIL_NOT_FOUND);
          }
          const result = await handleOAuthUserInfo(ctx, {
            userInfo: {
              id: sub,
              email: email.toLowerCase(),
              emailVerified: emailVerified(payload),
              name: typeof name === "string" ? name : "",
              image: typeof picture === "string" ? picture : undefined,
            },
            account: {
              providerId: "google",
              accountId: sub,
              idToken: ctx.body.idToken,
              scope: "openid,profile,email",
            },
            source: { method: "oauth", oauth: { providerId: "google", profile: payload } },
          });
          if (result.error || !result.data) throw signInRefusal(result.error ?? "");
          await setSessionCookie(ctx, result.data);
          return ctx.json({
            token: result.data.session.token,
            user: parseUserOutput(ctx.context.options, result.data.user),
          });
        },
      ),
    },
    $ERROR_CODES: ONE_TAP_ERROR_CODES,
  } satisfies BetterAuthPlugin;
}
