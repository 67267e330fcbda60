/**
 * Shared steps of the Hasura dialect tests: the seed's request and response examples read from the seed itself,
 * and calls made the way a Hasura client makes them.
 */
import { readFixture } from "./fixtures.ts";
import type { TestApp } from "./test-app.ts";

export interface HasuraErrorJson {
  readonly code: string;
  readonly message: string;
}

export interface HasuraUserJson {
  readonly hasura_id: number;
  readonly hasura_roles: string[];
  readonly auth_token: string | null;
  readonly email: string | null;
  readonly mobile: string | null;
  readonly username: string | null;
  readonly created: string;
  readonly last_login: string | null;
  readonly is_active: boolean;
  readonly extra_info: Record<string, unknown>;
}

export interface AuthJson {
  readonly auth_token: string | null;
  readonly hasura_id: number;
  readonly hasura_roles: string[];
  readonly username?: string | null;
  readonly email?: string | null;
  readonly mobile?: string | null;
}

export interface Answer<T> {
  readonly status: number;
  readonly body: T & Partial<HasuraErrorJson>;
}

/** A JSON request; `raw` sends the text as it is (the seed's examples are not strict JSON). */
export async function call<T = Record<string, unknown>>(
  t: TestApp,
  method: string,
  path: string,
  options: { token?: string; json?: unknown; raw?: string } = {},
): Promise<Answer<T>> {
  const response = await t.request(path, {
    method,
    ...(options.token ? { token: options.token } : {}),
    ...(options.raw !== undefined
      ? { body: options.raw, headers: { "content-type": "application/json" } }
      : options.json !== undefined
        ? { json: options.json }
        : {}),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as Answer<T>["body"] };
}

/** The JSON blocks of a seed page, in order, as their exact text. */
function jsonBlocks(text: string): string[] {
  const blocks: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "{") {
      if (depth === 0) start = i;
      depth++;
    } else if (text[i] === "}" && depth > 0) {
      depth--;
      if (depth === 0) blocks.push(text.slice(start, i + 1));
    }
  }
  return blocks;
}

/** Seed 004 (test/fixtures/seeds/004.txt): the four create-user requests and the typical response. */
export function seed004(): { requests: Record<string, string>; response: string } {
  const blocks = jsonBlocks(readFixture("seeds/004.txt"));
  const [username, email, mobilePassword, mobile, response] = blocks;
  if (!username || !email || !mobilePassword || !mobile || !response) {
    throw new Error("seed 004 does not hold four requests and a response");
  }
  return { requests: { username, email, "mobile-password": mobilePassword, mobile }, response };
}

/** The keys of a JSON object written with trailing commas, as the seed writes them. */
export function keysOf(text: string): string[] {
  return Object.keys(JSON.parse(text.replace(/,(\s*[}\]])/g, "$1")) as object);
}
