/**
 * Whom the browser acts as while an admin impersonates someone (better-auth's admin plugin keeps the admin's own
 * session aside in its `admin_session` cookie and gives the browser the user's, marked `impersonatedBy`). Read
 * by the page context, so that every page's layout can say so and offer the way back, and by the console's
 * /admin/impersonation page (src/http/pages/admin/impersonation.ts).
 */
import type { AuthCaller } from "./auth-call.ts";

export interface Impersonation {
  readonly userId: string;
  readonly name: string;
}

export async function impersonationOf(
  callAuth: AuthCaller,
  request: Request,
): Promise<Impersonation | undefined> {
  if (!(request.headers.get("cookie") ?? "").includes("session_token")) return undefined;
  const answer = await callAuth(request, "/get-session");
  const session = answer.ok ? (answer.body?.session as Record<string, unknown> | undefined) : undefined;
  const user = answer.ok ? (answer.body?.user as Record<string, unknown> | undefined) : undefined;
  if (!session?.impersonatedBy || typeof user?.id !== "string") return undefined;
  const name = [user.name, user.email, user.username].find((v) => typeof v === "string" && v !== "");
  return { userId: user.id, name: String(name ?? user.id) };
}

/** Only a browser holding the admin's set-aside session can be impersonating: others skip the look-up. */
export function mayBeImpersonating(request: Request): boolean {
  return (request.headers.get("cookie") ?? "").includes("admin_session");
}
