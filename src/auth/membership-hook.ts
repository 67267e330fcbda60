/**
 * Every account belongs to the `default` tenant, however better-auth created it (e-mail, username, social/OIDC,
 * phone sign-up, admin create-user): in the same transaction as the user row, the identity core adds the
 * membership (AuthDeps.onAccountCreated, wired in src/deps.ts). Without it, /api/auth sign-ups were missing from
 * GET /v1/users.
 *
 * Why at the adapter, not in a `user.create.after` database hook: better-auth 1.7.25 queues after-hooks until its
 * transaction has committed (queueAfterTransactionHook in @better-auth/core's context/transaction), so a crash
 * between the two left an account outside `default`. Wrapping the adapter's `create` of the `user` model puts
 * the membership right after the insert, inside the transaction better-auth runs sign-up and create-user in
 * (src/auth/index.ts turns transactions on); a user created outside one gets its own. The identity core's
 * queries reach that transaction through `db.kysely` (src/platform/db/transaction-scope.ts).
 *
 * The same wrapper turns the unique index's verdict into better-auth's "already exists" answers: two requests
 * creating one e-mail, username or phone number at once both pass better-auth's look-up, and the loser's insert
 * failed with a raw unique violation (a 422 FAILED_TO_CREATE_USER on sign-up, a 500 on admin create-user);
 * likewise a tenant (organization) slug.
 */
import { tryGetCurrentAuthEndpointContext } from "@better-auth/core/context";
import type { BetterAuthPlugin, DBAdapter, DBTransactionAdapter } from "better-auth";
import { APIError } from "better-auth/api";
import { inTransaction } from "../platform/db/transaction-scope.ts";
import { uniqueViolation, violatesColumn } from "../platform/db/unique-violation.ts";
import type { AuthDeps } from "./deps.ts";

type OnAccountCreated = NonNullable<AuthDeps["onAccountCreated"]>;
type CreatingAdapter = Pick<DBTransactionAdapter, "create">;

// better-auth's own codes and statuses for a taken identifier: sign-up's (BASE_ERROR_CODES, 422), the admin
// plugin's create-user (400), the username and phone-number plugins' (400).
const EMAIL_TAKEN = {
  code: "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
  message: "User already exists. Use another email.",
};
const USERNAME_TAKEN = {
  code: "USERNAME_IS_ALREADY_TAKEN",
  message: "Username is already taken. Please try another.",
};
const PHONE_TAKEN = { code: "PHONE_NUMBER_EXIST", message: "Phone number already exists" };
const SIGN_UP_PATHS = new Set(["/sign-up/email"]);

/** better-auth's answer for a unique violation on the user row, or the error itself when it is not one. */
export function takenIdentifierError(error: unknown): unknown {
  const violation = uniqueViolation(error);
  if (!violation) return error;
  if (violatesColumn(violation, "username") || violatesColumn(violation, "displayUsername")) {
    return APIError.from("BAD_REQUEST", USERNAME_TAKEN);
  }
  if (violatesColumn(violation, "phoneNumber")) return APIError.from("BAD_REQUEST", PHONE_TAKEN);
  if (!violatesColumn(violation, "email")) return error;
  const path = tryGetCurrentAuthEndpointContext()?.path ?? "";
  return APIError.from(SIGN_UP_PATHS.has(path) ? "UNPROCESSABLE_ENTITY" : "BAD_REQUEST", EMAIL_TAKEN);
}

/** The organization plugin's answer for a taken slug (its own look-up's), for a lost race. */
function takenSlugError(error: unknown): unknown {
  const violation = uniqueViolation(error);
  if (!violation || !violatesColumn(violation, "slug")) return error;
  return APIError.from("BAD_REQUEST", {
    code: "ORGANIZATION_ALREADY_EXISTS",
    message: "Organization already exists",
  });
}

/** Adapters already wrapped (the base one, and every transaction adapter handed out). */
const wrapped = new WeakSet<object>();

/**
 * Makes `adapter`'s creation of a user also add the membership, in one transaction. Changed in place rather
 * than wrapped: better-auth keys its runtime schema check on the adapter object.
 */
function createUsersWithMembership<A extends CreatingAdapter>(
  adapter: A,
  onAccountCreated: OnAccountCreated | undefined,
  /** How to open a transaction for a user created outside one; null for a transaction's own adapter. */
  transaction: DBAdapter["transaction"] | null,
): A {
  if (wrapped.has(adapter)) return adapter;
  wrapped.add(adapter);
  const create = adapter.create.bind(adapter);
  const createUser = async (query: Parameters<A["create"]>[0]) => {
    const row = (await create(query).catch((error: unknown) => {
      throw takenIdentifierError(error);
    })) as { id: string };
    await onAccountCreated?.(row.id);
    return row;
  };
  adapter.create = (async (query: Parameters<A["create"]>[0]) => {
    if (query.model === "organization") {
      return create(query).catch((error: unknown) => {
        throw takenSlugError(error);
      });
    }
    if (query.model !== "user") return create(query);
    if (!transaction || inTransaction()) return createUser(query);
    return transaction(async () => createUser(query));
  }) as A["create"];
  return adapter;
}

export function defaultMembershipPlugin({ onAccountCreated }: Pick<AuthDeps, "onAccountCreated">) {
  return {
    id: "gatehouse-default-membership",
    init(context) {
      const adapter: DBAdapter = context.adapter;
      if (wrapped.has(adapter)) return;
      const transaction = adapter.transaction.bind(adapter);
      createUsersWithMembership(adapter, onAccountCreated, transaction);
      // Inside a transaction better-auth writes through the transaction's adapter (getCurrentAdapter).
      adapter.transaction = (callback) =>
        transaction((trx) => callback(createUsersWithMembership(trx, onAccountCreated, null)));
    },
  } satisfies BetterAuthPlugin;
}
