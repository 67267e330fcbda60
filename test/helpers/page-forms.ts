/**
 * Hosted pages over plain HTTP (no browser): a cookie jar, a GET that keeps the page's CSRF token, and a form
 * post with it — for the fast tests of the pages' rules (CSRF, redirects, headers).
 */
import type { TestApp } from "./test-app.ts";

export interface PageClient {
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  /** Posts `fields` urlencoded with the last page's CSRF token (unless `fields.csrf` says otherwise). */
  post(path: string, fields: Record<string, string>, headers?: Record<string, string>): Promise<Response>;
  readonly cookies: Map<string, string>;
  /** The CSRF token of the last page read. */
  csrf(): string;
}

export function pageClient(t: TestApp, ip = "127.0.0.1"): PageClient {
  const cookies = new Map<string, string>();
  let token = "";
  const cookieHeader = () => [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  function keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (value === "" || /max-age=0/i.test(line)) cookies.delete(name);
      else cookies.set(name, value);
    }
  }
  async function read(response: Response): Promise<Response> {
    keep(response);
    const text = await response.text();
    token = /name="csrf" value="([^"]+)"/.exec(text)?.[1] ?? token;
    return new Response(text, { status: response.status, headers: response.headers });
  }
  return {
    cookies,
    csrf: () => token,
    async get(path, headers = {}) {
      return read(await t.request(path, { ip, headers: { cookie: cookieHeader(), ...headers } }));
    },
    async post(path, fields, headers = {}) {
      const body = new URLSearchParams({ csrf: token, ...fields }).toString();
      return read(
        await t.request(path, {
          ip,
          method: "POST",
          headers: {
            cookie: cookieHeader(),
            "content-type": "application/x-www-form-urlencoded",
            ...headers,
          },
          body,
        }),
      );
    },
  };
}
