/**
 * The wire format of Hasura Auth v1 (seed 004 and Hasura's public API reference): request bodies per provider,
 * the user object, and the error body. These schemas validate requests and responses and generate the OpenAPI
 * document.
 */
import { type Static, type TSchema, t } from "elysia";
import {
  EMAIL_MAX,
  PASSWORD_MAX,
  PASSWORD_MIN,
  USERNAME_SCHEMA_PATTERN,
} from "../../identity/accounts/rules.ts";

export const PROVIDERS = ["username", "email", "mobile-password", "mobile"] as const;
export type Provider = (typeof PROVIDERS)[number];

// Gatehouse's one identifier and password policy (src/auth/account-rules.ts), which better-auth enforces too: a
// name it refuses could never sign in. Hasura's minimum password length is 8 too.
const Username = t.String({ pattern: USERNAME_SCHEMA_PATTERN, examples: ["something123"] });
const Email = t.String({ format: "email", maxLength: EMAIL_MAX, examples: ["something@email.com"] });
const NewPassword = t.String({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, examples: ["somepass124"] });
// Existing passwords are checked, not judged: a wrong one is invalid-creds, whatever its length.
const Password = t.String({ minLength: 1, maxLength: PASSWORD_MAX });
const Mobile = t.String({
  pattern: "^[0-9]{4,14}$",
  description: "The national number, digits only",
  examples: ["9999999999"],
});
const CountryCode = t.String({
  pattern: "^\\+?[1-9][0-9]{0,2}$",
  description: "The country calling code, e.g. 91",
  examples: ["91"],
});
const Otp = t.String({ pattern: "^[0-9]{4,10}$", description: "The code received by SMS" });
export const RoleName = t.String({
  pattern: "^[a-z][a-z0-9_-]{0,63}$",
  description: "Lower-case letters, digits, - and _",
  examples: ["merchant"],
});

const UsernameData = t.Object({ username: Username, password: NewPassword });
const EmailData = t.Object({ email: Email, password: NewPassword });
const MobilePasswordData = t.Object({ mobile: Mobile, country_code: CountryCode, password: NewPassword });
const MobileData = t.Object({ mobile: Mobile, country_code: CountryCode });

function provider<P extends Provider, D extends TSchema>(name: P, data: D) {
  return { provider: t.Literal(name), data };
}

const adminFields = {
  is_active: t.Optional(t.Boolean({ default: true })),
  roles: t.Optional(t.Array(RoleName, { maxItems: 64, description: 'Default: ["user"]' })),
};

export const CreateUserBody = t.Union(
  [
    t.Object({ ...provider("username", UsernameData), ...adminFields }),
    t.Object({ ...provider("email", EmailData), ...adminFields }),
    t.Object({ ...provider("mobile-password", MobilePasswordData), ...adminFields }),
    t.Object({ ...provider("mobile", MobileData), ...adminFields }),
  ],
  { title: "HasuraCreateUser" },
);

export const SignupBody = t.Union(
  [
    t.Object(provider("username", UsernameData)),
    t.Object(provider("email", EmailData)),
    t.Object(provider("mobile-password", MobilePasswordData)),
    t.Object(
      provider(
        "mobile",
        t.Object({
          mobile: Mobile,
          country_code: CountryCode,
          otp: t.Optional(
            t.String({
              pattern: "^[0-9]{4,10}$",
              description: "From /v1/providers/mobile/send-otp; without it, signup sends one",
            }),
          ),
        }),
      ),
    ),
  ],
  { title: "HasuraSignup" },
);

export const LoginBody = t.Union(
  [
    t.Object(provider("username", t.Object({ username: t.String({ maxLength: 150 }), password: Password }))),
    t.Object(provider("email", t.Object({ email: t.String({ maxLength: 254 }), password: Password }))),
    t.Object(
      provider(
        "mobile-password",
        t.Object({ mobile: Mobile, country_code: CountryCode, password: Password }),
      ),
    ),
    t.Object(provider("mobile", t.Object({ mobile: Mobile, country_code: CountryCode, otp: Otp }))),
  ],
  { title: "HasuraLogin" },
);

/** Per provider, the schema a body must match (to name the first wrong field of an invalid body). */
export const BODY_BY_PROVIDER = {
  create: CreateUserBody.anyOf,
  signup: SignupBody.anyOf,
  login: LoginBody.anyOf,
} as const;

export const MobileBody = t.Object({ mobile: Mobile, country_code: CountryCode });
export const MobileOtpBody = t.Object({ mobile: Mobile, country_code: CountryCode, otp: Otp });
/** The largest id a PostgreSQL `integer` holds: a larger one (1e308) failed in the database with a 500. */
const HASURA_ID_MAX = 2_147_483_647;
const HasuraId = () => t.Integer({ minimum: 1, maximum: HASURA_ID_MAX });
export const HasuraIdBody = t.Object({ hasura_id: HasuraId() });
export const HasuraIdParams = t.Object({ hasura_id: HasuraId() });
export const UserRoleBody = t.Object({ hasura_id: HasuraId(), role: RoleName });
export const RoleBody = t.Object({ role: RoleName });
export const ChangePasswordBody = t.Object({ old_password: Password, new_password: NewPassword });

export const HasuraUser = t.Object(
  {
    hasura_id: t.Integer({ description: "Stable integer id of the user" }),
    hasura_roles: t.Array(t.String()),
    auth_token: t.Nullable(t.String()),
    email: t.Nullable(t.String()),
    mobile: t.Nullable(t.String({ description: "Country code and number, digits only: 919999999999" })),
    username: t.Nullable(t.String()),
    created: t.String({ format: "date-time" }),
    last_login: t.Nullable(t.String({ format: "date-time" })),
    is_active: t.Boolean(),
    extra_info: t.Record(t.String(), t.Unknown()),
  },
  { title: "HasuraUser" },
);

export const AuthResponse = t.Object(
  {
    auth_token: t.Nullable(
      t.String({ description: "A Gatehouse session token (Bearer); null until verified" }),
    ),
    hasura_id: t.Integer(),
    hasura_roles: t.Array(t.String()),
    username: t.Optional(t.Nullable(t.String())),
    email: t.Optional(t.Nullable(t.String())),
    mobile: t.Optional(t.Nullable(t.String())),
  },
  { title: "HasuraAuth" },
);

export const Message = t.Object({ message: t.String() }, { title: "HasuraMessage" });

export const DeleteUserResponse = t.Object(
  { details: t.Record(t.String(), t.String()), message: t.String() },
  { title: "HasuraDeleteUser" },
);

export const RolesResponse = t.Object({ roles: t.Array(t.String()) }, { title: "HasuraRoles" });

export const HasuraErrorSchema = t.Object(
  { code: t.String({ examples: ["user-exists"] }), message: t.String() },
  { title: "HasuraError" },
);

export type HasuraUserBody = Static<typeof HasuraUser>;
export type AuthResponseBody = Static<typeof AuthResponse>;
