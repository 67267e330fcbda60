/**
 * Records better-auth's authentication and administrative events in the audit trail (src/identity/audit),
 * through the `record` function it is given (AuthDeps.recordAudit): sign-in success and failure with the method,
 * the second-factor step, sign-out, password and e-mail changes, resets, verification, and the admin plugin's
 * create, ban, unban, delete, role and impersonation routes. The hooks run for HTTP requests and for
 * `auth.api.*` calls alike. A signed-in user's verified new phone number (phone-number/verify with
 * updatePhoneNumber) is recorded too: the number becomes a way to sign in. Only identifiers go in; request
 * bodies are read for ids, never for secrets.
 */
import type { BetterAuthPlugin } from "better-auth";
import { createAuthMiddleware, getSessionFromCtx, isAPIError } from "better-auth/api";
import { CLIENT_IP_HEADER } from "../../platform/client-ip.ts";
import type { AuditEventInput, RecordAuditEvent } from "../audit-event.ts";

interface SessionRow {
  readonly userId: string;
  readonly impersonatedBy?: string | null;
}

type HookContext = Parameters<Parameters<typeof createAuthMiddleware>[0]>[0];

/** How each sign-in endpoint signs in (the `method` detail of sign_in.* events). */
const SIGN_IN_METHODS: Readonly<Record<string, string>> = {
  "/sign-in/email": "password",
  "/sign-in/username": "username",
  "/sign-in/phone-number": "phone_password",
  "/phone-number/verify": "phone_otp",
  "/sign-in/social": "social",
  "/callback/:id": "social",
  "/one-tap/callback": "one_tap",
};

const SECOND_FACTOR_METHODS: Readonly<Record<string, string>> = {
  "/two-factor/verify-totp": "totp",
  "/two-factor/verify-otp": "otp",
  "/two-factor/verify-backup-code": "backup_code",
};

/** Admin plugin routes: event type on success; the subject is the body's `userId`. */
const ADMIN_EVENTS: Readonly<Record<string, string>> = {
  "/admin/create-user": "user.created",
  "/admin/ban-user": "user.banned",
  "/admin/unban-user": "user.unbanned",
  "/admin/remove-user": "user.deleted",
  "/admin/set-role": "user.role_changed",
  "/admin/set-user-password": "user.password_set",
  "/admin/revoke-user-sessions": "user.sessions_revoked",
  "/admin/update-user": "user.updated",
  "/admin/impersonate-user": "impersonation.started",
};

/** Sign-up routes: an account created by the person themself. */
const SIGN_UP_METHODS: Readonly<Record<string, string>> = {
  "/sign-up/email": "password",
};

/** The organization plugin's membership routes (a tenant is an organization): event type on success. */
const TENANT_EVENTS: Readonly<Record<string, string>> = {
  "/organization/create": "tenant.created",
  "/organization/delete": "tenant.deleted",
  "/organization/invite-member": "member.invited",
  "/organization/accept-invitation": "member.joined",
  "/organization/remove-member": "member.removed",
  "/organization/update-member-role": "member.roles_changed",
  "/organization/leave": "member.left",
};

/** Self-service routes of a signed-in user: event type on success (and `<type>_failed` on a refusal). */
const ACCOUNT_EVENTS: Readonly<Record<string, string>> = {
  "/change-password": "password.changed",
  "/change-email": "email.change_requested",
  "/two-factor/enable": "two_factor.enable_requested",
  "/two-factor/disable": "two_factor.disabled",
  "/request-password-reset": "password.reset_requested",
  "/delete-user": "account.deletion_requested",
};

function requestMeta(ctx: { headers?: Headers; request?: Request }) {
  const headers = ctx.headers ?? ctx.request?.headers;
  return {
    ip: headers?.get(CLIENT_IP_HEADER) ?? null,
    userAgent: headers?.get("user-agent") ?? null,
  };
}

function requestMetaOf(request: Request | undefined) {
  return requestMeta({ request });
}

function errorCode(returned: unknown): string | null {
  if (!isAPIError(returned)) return null;
  const body = returned.body as { code?: unknown } | undefined;
  return typeof body?.code === "string" ? body.code : returned.status.toString();
}

/** A redirect to an error page (OAuth callbacks report failures that way, not as an error status). */
function redirectError(returned: unknown): string | null {
  if (!isAPIError(returned) || returned.statusCode < 300 || returned.statusCode >= 400) return null;
  const location = new Headers(returned.headers ?? undefined).get("location") ?? "";
  try {
    return new URL(location, "http://x").searchParams.get("error");
  } catch {
    return null;
  }
}

function failed(returned: unknown): boolean {
  return isAPIError(returned) && returned.statusCode >= 400;
}

/** The account a failed attempt named, if any, so that `subject=` finds the failures against one account. */
async function accountNamed(ctx: HookContext): Promise<string | null> {
  if (typeof ctx.body !== "object" || ctx.body === null) return null;
  const body = ctx.body as Record<string, unknown>;
  const field = (["email", "username", "phoneNumber"] as const).find(
    (name) => typeof body[name] === "string",
  );
  if (!field) return null;
  const value = String(body[field]);
  const found = await ctx.context.adapter
    .findOne<{ id: string }>({
      model: "user",
      where: [{ field, value: field === "phoneNumber" ? value : value.toLowerCase() }],
    })
    .catch(() => null);
  return found?.id ?? null;
}

/** The identifier a sign-in attempt named (e-mail, username or phone number), for failed attempts. */
function identifierOf(body: unknown): string | null {
  if (typeof body !== "object" || body === null) return null;
  const { email, username, phoneNumber } = body as Record<string, unknown>;
  const value = [email, username, phoneNumber].find((v) => typeof v === "string");
  return typeof value === "string" ? value : null;
}

function stringField(body: unknown, name: string): string | null {
  if (typeof body !== "object" || body === null) return null;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === "string" ? value : null;
}

/** The caller's session: the one a session middleware resolved, else read from the request (organization routes). */
async function sessionOf(ctx: HookContext) {
  return ctx.context.session ?? (await getSessionFromCtx(ctx).catch(() => null));
}

export function auditPlugin(record: RecordAuditEvent) {
  const recordFor = (ctx: HookContext, event: AuditEventInput) => record({ ...requestMeta(ctx), ...event });

  async function signIn(ctx: HookContext, method: string) {
    const session = ctx.context.newSession;
    const returned = ctx.context.returned;
    // The two-factor plugin turns a password sign-in into a challenge (its hook runs before this one).
    if ((returned as { twoFactorRedirect?: unknown } | null)?.twoFactorRedirect) {
      await recordFor(ctx, {
        type: "sign_in.second_factor_required",
        details: { method, identifier: identifierOf(ctx.body) },
      });
      return;
    }
    if (session) {
      // An admin acting as the user is recorded as impersonation.started, not as the user signing in.
      if ((session.session as { impersonatedBy?: unknown }).impersonatedBy) return;
      const user = session.user.id;
      await recordFor(ctx, {
        type: "sign_in.succeeded",
        actorType: "user",
        actorId: user,
        subjectType: "user",
        subjectId: user,
        details: { method, ...(ctx.params?.id ? { provider: String(ctx.params.id) } : {}) },
      });
      return;
    }
    const reason = failed(returned) ? errorCode(returned) : redirectError(returned);
    if (!reason) {
      // A signed-in user proving a new number: not a sign-in, but the number becomes a way to sign in.
      const user = ctx.context.session?.user.id;
      if (method === "phone_otp" && user && ctx.body?.updatePhoneNumber === true) {
        await recordFor(ctx, {
          type: "phone_number.changed",
          actorType: "user",
          actorId: user,
          subjectType: "user",
          subjectId: user,
          details: { phoneNumber: stringField(ctx.body, "phoneNumber") },
        });
      }
      return;
    }
    const account = await accountNamed(ctx);
    await recordFor(ctx, {
      type: "sign_in.failed",
      ...(account ? { subjectType: "user", subjectId: account } : {}),
      details: {
        method,
        reason,
        identifier: identifierOf(ctx.body),
        ...(ctx.params?.id ? { provider: String(ctx.params.id) } : {}),
      },
    });
  }

  async function signUp(ctx: HookContext, method: string) {
    const returned = ctx.context.returned;
    const created = (returned as { user?: { id?: unknown } } | null)?.user?.id;
    if (typeof created === "string") {
      await recordFor(ctx, {
        type: "user.signed_up",
        actorType: "user",
        actorId: created,
        subjectType: "user",
        subjectId: created,
        details: { method },
      });
    } else if (failed(returned)) {
      await recordFor(ctx, {
        type: "user.sign_up_failed",
        details: { method, reason: errorCode(returned), identifier: identifierOf(ctx.body) },
      });
    }
  }

  async function secondFactor(ctx: HookContext, method: string) {
    const session = ctx.context.newSession;
    if (session) {
      const user = session.user.id;
      const base = { actorType: "user", actorId: user, subjectType: "user", subjectId: user } as const;
      await recordFor(ctx, { ...base, type: "second_factor.succeeded", details: { method } });
      await recordFor(ctx, {
        ...base,
        type: "sign_in.succeeded",
        details: { method: `two_factor_${method}` },
      });
      return;
    }
    if (failed(ctx.context.returned)) {
      const user = ctx.context.session?.user.id ?? null;
      await recordFor(ctx, {
        type: "second_factor.failed",
        ...(user ? { actorType: "user", actorId: user, subjectType: "user", subjectId: user } : {}),
        details: { method, reason: errorCode(ctx.context.returned) },
      });
    } else if (ctx.context.session) {
      // Verifying the first code while enabling two-factor: no new session, the signed-in user's step.
      const user = ctx.context.session.user.id;
      await recordFor(ctx, {
        type: "two_factor.enabled",
        actorType: "user",
        actorId: user,
        subjectType: "user",
        subjectId: user,
        details: { method },
      });
    }
  }

  async function accountEvent(ctx: HookContext, type: string) {
    const user = ctx.context.session?.user.id ?? null;
    const returned = ctx.context.returned;
    const outcome = failed(returned) ? "_failed" : "";
    await recordFor(ctx, {
      type: `${type}${outcome}`,
      ...(user ? { actorType: "user", actorId: user, subjectType: "user", subjectId: user } : {}),
      details: {
        ...(outcome ? { reason: errorCode(returned) } : {}),
        ...(type === "password.reset_requested" ? { identifier: identifierOf(ctx.body) } : {}),
        ...(type === "email.change_requested" ? { newEmail: stringField(ctx.body, "newEmail") } : {}),
      },
    });
  }

  async function adminEvent(ctx: HookContext, type: string) {
    const returned = ctx.context.returned;
    if (failed(returned)) return;
    const session = await sessionOf(ctx);
    // A server-side call (the identity core creating an account) is recorded by its caller, with its actor.
    if (!session && !ctx.request && !ctx.headers) return;
    const created = (returned as { user?: { id?: unknown } } | null)?.user?.id;
    const subject = stringField(ctx.body, "userId") ?? (typeof created === "string" ? created : null);
    await recordFor(ctx, {
      type,
      actorType: session ? "user" : "system",
      actorId: session?.user.id ?? null,
      subjectType: "user",
      subjectId: subject,
      details: {
        ...(type === "user.role_changed" ? { role: roleList(ctx.body) } : {}),
        ...(type === "user.banned" ? { reason: stringField(ctx.body, "banReason") } : {}),
        ...(type === "user.created" ? { role: roleList(ctx.body) } : {}),
      },
    });
  }

  async function endOfSession(session: SessionRow, context: unknown) {
    const ctx = context as { path?: string; headers?: Headers; request?: Request } | null;
    const stop = ctx?.path === "/admin/stop-impersonating";
    if (ctx?.path !== "/sign-out" && !stop) return;
    const impersonator = session.impersonatedBy ?? null;
    await record({
      ...requestMeta(ctx ?? {}),
      type: stop ? "impersonation.stopped" : "sign_out",
      actorType: "user",
      actorId: impersonator ?? session.userId,
      subjectType: "user",
      subjectId: session.userId,
      ...(impersonator && !stop ? { details: { impersonated: true } } : {}),
    });
  }

  async function tenantEvent(ctx: HookContext, type: string) {
    const returned = ctx.context.returned;
    if (failed(returned) || !returned || typeof returned !== "object") return;
    const session = await sessionOf(ctx);
    // The answer is the tenant (create), the invitation (invite), { invitation, member } (accept) or the
    // member row (leave, update-member-role).
    const answer = returned as {
      id?: unknown;
      organizationId?: unknown;
      userId?: unknown;
      member?: { userId?: unknown; organizationId?: unknown };
    };
    const text = (value: unknown) => (typeof value === "string" ? value : null);
    const tenantId =
      stringField(ctx.body, "organizationId") ??
      text(answer.organizationId) ??
      text(answer.member?.organizationId) ??
      (type === "tenant.created" ? text(answer.id) : null) ??
      (session?.session as { activeOrganizationId?: string | null } | undefined)?.activeOrganizationId ??
      null;
    const memberUser =
      text(answer.member?.userId) ??
      (type === "member.left" ? text(answer.userId) : null) ??
      stringField(ctx.body, "memberIdOrEmail");
    // An invitation has no member yet: its subject is the invitation, which accept-invitation names.
    const subject = type.startsWith("tenant.")
      ? { subjectType: "tenant", subjectId: tenantId }
      : type === "member.invited"
        ? { subjectType: "invitation", subjectId: text(answer.id) }
        : { subjectType: "member", subjectId: memberUser ?? stringField(ctx.body, "memberId") };
    await recordFor(ctx, {
      type,
      actorType: session ? "user" : "system",
      actorId: session?.user.id ?? null,
      tenantId,
      ...subject,
      details: {
        ...(type === "member.roles_changed" || type === "member.invited" ? { role: roleList(ctx.body) } : {}),
        ...(type === "member.invited" ? { email: stringField(ctx.body, "email") } : {}),
      },
    });
  }

  return {
    id: "gatehouse-audit",
    init() {
      return {
        options: {
          // Merged under the app's own options (which win), so `enabled` here changes nothing; the type needs it.
          emailAndPassword: {
            enabled: true,
            onPasswordReset: async ({ user }: { user: { id: string } }, request?: Request) =>
              record({
                ...requestMetaOf(request),
                type: "password.reset",
                subjectType: "user",
                subjectId: user.id,
              }),
          },
          // The session row is gone after sign-out: its deletion says whose it was.
          databaseHooks: {
            session: {
              delete: {
                after: async (session: SessionRow, context: unknown) => endOfSession(session, context),
              },
            },
          },
          emailVerification: {
            afterEmailVerification: async (user: { id: string }, request?: Request) =>
              record({
                ...requestMetaOf(request),
                type: "email.verified",
                subjectType: "user",
                subjectId: user.id,
              }),
          },
        },
      };
    },
    hooks: {
      after: [
        {
          matcher: (ctx) =>
            ctx.path !== undefined &&
            (ctx.path in SIGN_IN_METHODS ||
              ctx.path in SIGN_UP_METHODS ||
              ctx.path in SECOND_FACTOR_METHODS ||
              ctx.path in ADMIN_EVENTS ||
              ctx.path in TENANT_EVENTS ||
              ctx.path in ACCOUNT_EVENTS),
          handler: createAuthMiddleware(async (ctx) => {
            const path = ctx.path ?? "";
            const signInMethod = SIGN_IN_METHODS[path];
            if (signInMethod) return signIn(ctx, signInMethod);
            const signUpMethod = SIGN_UP_METHODS[path];
            if (signUpMethod) return signUp(ctx, signUpMethod);
            const factor = SECOND_FACTOR_METHODS[path];
            if (factor) return secondFactor(ctx, factor);
            const admin = ADMIN_EVENTS[path];
            if (admin) return adminEvent(ctx, admin);
            const tenant = TENANT_EVENTS[path];
            if (tenant) return tenantEvent(ctx, tenant);
            const account = ACCOUNT_EVENTS[path];
            if (account) return accountEvent(ctx, account);
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}

function roleList(body: unknown): string[] | null {
  if (typeof body !== "object" || body === null) return null;
  const role = (body as { role?: unknown }).role;
  if (typeof role === "string") return [role];
  if (Array.isArray(role)) return role.filter((r): r is string => typeof r === "string");
  return null;
}
