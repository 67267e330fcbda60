/**
 * What every view of the account service (members.ts for a tenant, platform.ts for the platform) shares: the
 * reads, the self-protection checks and the one way an account row is created.
 */
import type { RecordAuditEvent } from "../../auth/audit-event.ts";
import type { Auth } from "../../auth/index.ts";
import { inAuthTransaction } from "../../auth/transaction.ts";
import type { Db } from "../../platform/db/index.ts";
import { uniqueViolation, violatesColumn } from "../../platform/db/unique-violation.ts";
import { AppError } from "../../platform/errors.ts";
import type { Logger } from "../../platform/logger.ts";
import type { PwnedCheck } from "../../platform/password/pwned.ts";
import type { V1Context } from "../context.ts";
import { V1Errors } from "../errors.ts";
import type { Guard } from "../guard.ts";
import { DEFAULT_TENANT_SLUG, type TenantService } from "../tenants/service.ts";
import { createAccountDecisions } from "./decisions.ts";
import { AccountErrors } from "./errors.ts";
import type { GlobalRoleCatalogue } from "./global-roles.ts";
import type { NewAccount, SignUpPolicy } from "./model.ts";
import { type AccountWhere, createUserQueries, type UserQueries } from "./queries.ts";
import { checkEmail, checkPassword, checkPhoneNumber } from "./rules.ts";
import { type AccountView, type AuthProvider, placeholderEmail, type TenantUserView } from "./view.ts";
import { createAccountWrites } from "./writes.ts";

export interface AccountServiceDeps {
  readonly auth: Auth;
  readonly db: Db;
  readonly tenants: TenantService;
  readonly authorize: Guard;
  readonly logger: Logger;
  readonly signUp: SignUpPolicy;
  readonly globalRoles: GlobalRoleCatalogue;
  /** Have I Been Pwned's range API, when PWNED_PASSWORDS=true (src/platform/password/pwned.ts). */
  readonly pwned?: PwnedCheck;
  readonly queries?: UserQueries;
  /** Administrative changes go to the audit trail. */
  readonly audit: { readonly record: RecordAuditEvent };
}

function authErrorCode(error: unknown): string {
  return (error as { body?: { code?: string } } | null)?.body?.code ?? "";
}

export function isAlreadyExists(error: unknown): boolean {
  return authErrorCode(error).startsWith("USER_ALREADY_EXISTS");
}

/** better-auth's "taken" answers (src/auth/membership-hook.ts gives them for a lost race too) as the core's. */
function takenIdentifierError(error: unknown): AppError | null {
  if (error instanceof AppError) return null;
  if (isAlreadyExists(error)) return AccountErrors.emailTaken();
  const code = authErrorCode(error);
  if (code === "USERNAME_IS_ALREADY_TAKEN") return AccountErrors.usernameTaken();
  if (code === "PHONE_NUMBER_EXIST") return AccountErrors.phoneTaken();
  // The phone number and the placeholder address are set after creation (updateUser), past better-auth's
  // translation of a create's violation.
  const violation = uniqueViolation(error);
  if (!violation) return null;
  if (violatesColumn(violation, "phoneNumber")) return AccountErrors.phoneTaken();
  if (violatesColumn(violation, "username")) return AccountErrors.usernameTaken();
  if (violatesColumn(violation, "email")) return AccountErrors.emailTaken();
  return null;
}

export function actorId(ctx: V1Context): string | null {
  return ctx.actor?.type === "User" ? ctx.actor.id : null;
}

export function createAccountCore(deps: AccountServiceDeps) {
  const { auth, db, tenants, authorize } = deps;
  const queries = deps.queries ?? createUserQueries(db);
  const context = () => auth.$context;
  const decide = createAccountDecisions(authorize);

  // ---- reads ----

  async function findAccount(where: AccountWhere): Promise<AccountView | null> {
    return queries.findAccount(where);
  }

  async function account(id: string): Promise<AccountView> {
    const found = await findAccount({ id });
    if (!found) throw AccountErrors.notFound();
    return found;
  }

  async function member(tenantId: string, userId: string): Promise<TenantUserView> {
    const user = await queries.findInTenant(tenantId, userId);
    if (!user) throw V1Errors.notFound("user");
    return user;
  }

  function isDefault(ctx: V1Context): boolean {
    return ctx.tenant.slug === DEFAULT_TENANT_SLUG;
  }

  /** Global roles come from the one catalogue (src/identity/accounts/global-roles.ts), whichever API grants them. */
  async function assertGlobalRolesExist(roles: readonly string[]): Promise<void> {
    const unknown = await deps.globalRoles.unknown(roles);
    if (unknown.length > 0) throw AccountErrors.unknownGlobalRoles(unknown);
  }

  // ---- self-protection ----

  /** Nobody bans or deletes the last active platform admin: the platform would have nobody to repair it. */
  async function assertNotLastAdmin(target: AccountView): Promise<void> {
    if (!target.isPlatformAdmin || target.status === "disabled") return;
    if ((await queries.activePlatformAdminCount()) <= 1) throw AccountErrors.lastAdmin();
  }

  /** Before an owner stops being one: a tenant without an owner could never grant `owner` again. */
  async function assertAnotherOwner(tenantId: string): Promise<void> {
    if ((await queries.activeOwnerCount(tenantId)) < 2) throw AccountErrors.lastOwner();
  }

  /** The same refusal as a common password, for one the range API knows (better-auth's routes check it too). */
  async function assertNotPwned(password: string, field = "password"): Promise<void> {
    if (deps.pwned && (await deps.pwned(password))) throw V1Errors.passwordTooCommon(field);
  }

  // ---- writes ----

  const writes = createAccountWrites({ auth, db });
  const setAccountActive = writes.setActive;
  const deleteAccount = writes.remove;

  /**
   * Creates the account through better-auth (which makes it a member of `default`), and runs `alsoInTransaction`
   * (a tenant's roles): all in one transaction, so a failure or a crash never leaves half an account.
   */
  async function createAccountRow(
    input: NewAccount & { image?: string | null; authProvider?: AuthProvider },
    alsoInTransaction?: (id: string) => Promise<void>,
  ): Promise<string> {
    const email = input.email ? checkEmail(input.email) : null;
    // The username rule (src/auth/account-rules.ts) is enforced by better-auth's username plugin on createUser,
    // with its own codes (INVALID_USERNAME, USERNAME_TOO_LONG) that every dialect already words its way.
    const username = input.username?.trim() || null;
    const phoneNumber = input.phoneNumber ? checkPhoneNumber(input.phoneNumber) : null;
    if (input.password !== undefined) {
      checkPassword(input.password, "password", [email, username, phoneNumber, input.name]);
      await assertNotPwned(input.password);
    }
    await assertGlobalRolesExist(input.globalRoles);
    if (email && (await findAccount({ email }))) throw AccountErrors.emailTaken();
    if (username && (await findAccount({ username }))) throw AccountErrors.usernameTaken();
    if (phoneNumber && (await findAccount({ phoneNumber }))) throw AccountErrors.phoneTaken();
    try {
      return await inAuthTransaction(auth, async () => {
        const created = await auth.api.createUser({
          body: {
            // better-auth requires an e-mail: a reserved placeholder stands in (rendered as null, never mailed).
            email: email ?? placeholderEmail(crypto.randomUUID()),
            name: input.name ?? username ?? "",
            // Global roles are open-ended (the one catalogue of src/identity/accounts/global-roles.ts);
            // better-auth's type lists only its defaults.
            role: (input.globalRoles.length > 0 ? [...input.globalRoles] : ["user"]) as "user"[],
            ...(input.password !== undefined ? { password: input.password } : {}),
            data: {
              // No address, nothing to verify: REQUIRE_EMAIL_VERIFICATION must not lock such accounts out.
              emailVerified: input.emailVerified ?? !email,
              ...(username ? { username: username.toLowerCase(), displayUsername: username } : {}),
              ...(input.image !== undefined ? { image: input.image } : {}),
              ...(input.authProvider ? { authProvider: input.authProvider } : {}),
            },
          },
        });
        const id = created.user.id;
        const ctx = await context();
        if (!email) await ctx.internalAdapter.updateUser(id, { email: placeholderEmail(id) });
        // The phone-number plugin does not take the number at creation; set it directly.
        if (phoneNumber) {
          await ctx.internalAdapter.updateUser(id, {
            phoneNumber,
            phoneNumberVerified: input.phoneNumberVerified ?? false,
          });
        }
        // better-auth's user creation (src/auth/membership-hook.ts) has done this; an idempotent re-check.
        await tenants.joinDefault(id);
        if (!input.active) await setAccountActive(id, false);
        await alsoInTransaction?.(id);
        return id;
      });
    } catch (error) {
      // A concurrent create won the race for a unique identifier (the unique index decided, after both passed
      // the look-ups above): answer as if we had seen it first. No query here: on PostgreSQL the transaction
      // this may run in has failed.
      throw takenIdentifierError(error) ?? error;
    }
  }

  return {
    deps,
    queries,
    context,
    decide,
    findAccount,
    account,
    member,
    isDefault,
    assertGlobalRolesExist,
    assertNotLastAdmin,
    assertAnotherOwner,
    assertNotPwned,
    setAccountActive,
    deleteAccount,
    createAccountRow,
  };
}

export type AccountCore = ReturnType<typeof createAccountCore>;
