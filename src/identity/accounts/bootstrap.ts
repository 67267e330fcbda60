/**
 * The first platform admin, from ADMIN_EMAIL/ADMIN_PASSWORD, created once when no admin exists. Returns the id
 * of the platform admin (the existing one, if there was one).
 */
import type { Auth } from "../../auth/index.ts";
import { PLATFORM_ADMIN_ROLE } from "../../auth/roles.ts";
import type { Logger } from "../../platform/logger.ts";
import { checkPassword } from "./rules.ts";

/**
 * ADMIN_PASSWORD must pass the password rule in production (start-up stops otherwise); elsewhere a weak one (a
 * laptop's `admin123`) is only warned about. The first admin is created by a server-side call, which the
 * request-time rule does not see (src/auth/password-rules.ts).
 */
export function checkAdminPassword(
  admin: { email: string; password: string },
  production: boolean,
  logger: Logger,
): void {
  try {
    checkPassword(admin.password, "ADMIN_PASSWORD", [admin.email]);
  } catch (error) {
    if (production) throw new Error(`ADMIN_PASSWORD: ${(error as Error).message}`);
    logger.warn({ reason: (error as Error).message }, "ADMIN_PASSWORD would be refused in production");
  }
}

export async function ensurePlatformAdmin(
  auth: Auth,
  admin: { email: string; password: string },
  logger: Logger,
): Promise<string> {
  const context = await auth.$context;
  const existing = await context.internalAdapter.listUsers(1, 0, undefined, [
    { field: "role", operator: "contains", value: PLATFORM_ADMIN_ROLE },
  ]);
  const current = existing[0];
  if (current) return current.id;
  const found = await context.internalAdapter.findUserByEmail(admin.email);
  if (found) {
    await context.internalAdapter.updateUser(found.user.id, { role: PLATFORM_ADMIN_ROLE });
    logger.info({ email: admin.email }, "existing user promoted to platform admin");
    return found.user.id;
  }
  const { user } = await auth.api.createUser({
    body: {
      email: admin.email,
      password: admin.password,
      name: "Administrator",
      role: PLATFORM_ADMIN_ROLE,
      data: { emailVerified: true },
    },
  });
  logger.info({ email: admin.email }, "platform admin created");
  return user.id;
}
