/** Who the browser is signed in as, asked of better-auth with the request's cookies. */
import type { Pages } from "./context.ts";

export interface PageUser {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly emailVerified: boolean;
}

/** The reserved address of accounts without an e-mail (docs/architecture.md): never shown as an address. */
const PLACEHOLDER_EMAIL = /@users\.invalid$/;

/** `cookie` replaces the request's cookies (to read a session an earlier call of this request opened). */
export async function signedInUser(
  pages: Pages,
  request: Request,
  cookie?: string,
): Promise<PageUser | undefined> {
  const cookies = cookie ?? request.headers.get("cookie") ?? "";
  if (!cookies.includes("session_token")) return undefined;
  const answer = await pages.callAuth(request, "/get-session", { cookie: cookies });
  const user = answer.ok ? (answer.body?.user as Record<string, unknown> | undefined) : undefined;
  if (!user || typeof user.id !== "string") return undefined;
  const email = typeof user.email === "string" && !PLACEHOLDER_EMAIL.test(user.email) ? user.email : "";
  return {
    id: user.id,
    name: typeof user.name === "string" && user.name ? user.name : email || String(user.username ?? ""),
    email,
    emailVerified: user.emailVerified === true,
  };
}
