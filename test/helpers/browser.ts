/**
 * A minimal browser for redirect flows: `fetch` with a cookie jar and manual redirects, so a test can walk an
 * OAuth round trip hop by hop (app → provider → app) and see every status, Location and cookie on the way.
 * Cookies are host-only and path-scoped (enough for loopback peers); `Domain` and `SameSite` are not modelled.
 */

interface StoredCookie {
  readonly name: string;
  readonly value: string;
  readonly host: string;
  readonly path: string;
  readonly expiresAt: number | undefined;
}

export interface Hop {
  readonly url: URL;
  readonly response: Response;
}

export interface Browser {
  /** One request, no redirect followed; cookies are sent and stored. */
  fetch(url: string | URL, init?: RequestInit): Promise<Response>;
  /**
   * Follows redirects from `response` (itself the reply to a request for `from`) and stops before requesting a
   * URL for which `stopAt` is true, or at the first non-redirect. Returns every hop made and the URL it stopped at.
   */
  follow(
    from: string | URL,
    response: Response,
    stopAt?: (url: URL) => boolean,
  ): Promise<{ hops: Hop[]; stoppedAt: URL; last: Response }>;
  /** Value of a cookie that would be sent to `url`. */
  cookie(url: string | URL, name: string): string | undefined;
  /** Drops every cookie. */
  clear(): void;
}

const MAX_REDIRECTS = 20;

export function createBrowser(): Browser {
  let jar: StoredCookie[] = [];

  function matching(url: URL): StoredCookie[] {
    const now = Date.now();
    jar = jar.filter((cookie) => cookie.expiresAt === undefined || cookie.expiresAt > now);
    return jar.filter(
      (cookie) =>
        cookie.host === url.host &&
        (url.pathname === cookie.path ||
          url.pathname.startsWith(cookie.path.endsWith("/") ? cookie.path : `${cookie.path}/`)),
    );
  }

  function store(url: URL, header: string): void {
    const [pair = "", ...attributes] = header.split(";");
    const eq = pair.indexOf("=");
    if (eq <= 0) return;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    let path = url.pathname.replace(/\/[^/]*$/, "") || "/";
    let expiresAt: number | undefined;
    for (const attribute of attributes) {
      const [key = "", raw = ""] = attribute.split("=", 2).map((part) => part.trim());
      const lower = key.toLowerCase();
      if (lower === "path" && raw.startsWith("/")) path = raw;
      if (lower === "max-age") expiresAt = Date.now() + Number(raw) * 1000;
      if (lower === "expires" && expiresAt === undefined) expiresAt = Date.parse(raw);
    }
    jar = jar.filter((cookie) => !(cookie.host === url.host && cookie.path === path && cookie.name === name));
    if (expiresAt !== undefined && expiresAt <= Date.now()) return;
    jar.push({ name, value, host: url.host, path, expiresAt });
  }

  const browser: Browser = {
    async fetch(input, init = {}) {
      const url = new URL(input);
      const headers = new Headers(init.headers);
      const cookies = matching(url);
      if (cookies.length > 0) headers.set("cookie", cookies.map((c) => `${c.name}=${c.value}`).join("; "));
      const response = await fetch(url, { ...init, headers, redirect: "manual" });
      for (const header of response.headers.getSetCookie()) store(url, header);
      return response;
    },
    async follow(from, response, stopAt = () => false) {
      const hops: Hop[] = [];
      let current = new URL(from);
      let last = response;
      for (let i = 0; i < MAX_REDIRECTS; i++) {
        const location = last.headers.get("location");
        if (last.status < 300 || last.status >= 400 || !location) return { hops, stoppedAt: current, last };
        const next = new URL(location, current);
        if (stopAt(next)) return { hops, stoppedAt: next, last };
        await last.body?.cancel();
        last = await browser.fetch(next);
        current = next;
        hops.push({ url: next, response: last });
      }
      throw new Error(`more than ${MAX_REDIRECTS} redirects from ${from}`);
    },
    cookie(url, name) {
      return matching(new URL(url)).find((cookie) => cookie.name === name)?.value;
    },
    clear() {
      jar = [];
    },
  };
  return browser;
}
