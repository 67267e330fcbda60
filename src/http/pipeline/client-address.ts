/**
 * The client address, a pipeline piece: the server stamps it on each request once (the socket's address, or,
 * behind trusted proxies, what they say) in one internal header (src/platform/client-ip.ts), and everything that
 * keys on it — the rate limits here, better-auth's limiter — reads that header. A copy sent by a client is
 * discarded, so it cannot be spoofed.
 *
 * Behind proxies, X-Forwarded-For is read from the right: a proxy that appends (nginx's
 * `$proxy_add_x_forwarded_for`, AWS ALB) keeps whatever the client sent on the left, so only the last
 * `trustedProxyHops` entries were written by our own proxies, and the client is the entry they wrote. A proxy
 * that sets one header with the client address instead (`X-Real-IP`, `CF-Connecting-IP`) is named by
 * `clientAddressHeader`, and that header wins.
 */
import { CLIENT_IP_HEADER } from "../../platform/client-ip.ts";

export interface ClientAddressOptions {
  readonly trustProxy: boolean;
  /** How many proxies in front of the server append to X-Forwarded-For (1 when unset). */
  readonly trustedProxyHops?: number;
  /** A header the proxy sets to the client address, read instead of X-Forwarded-For. */
  readonly clientAddressHeader?: string | undefined;
}

/** The client as our proxies saw it: `hops` entries from the right, or the leftmost when the chain is shorter. */
function forwardedClient(header: string | null, hops: number): string | undefined {
  const chain = (header ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (chain.length === 0) return undefined;
  return chain[Math.max(0, chain.length - hops)];
}

function proxiedAddress(request: Request, options: ClientAddressOptions): string | undefined {
  if (options.clientAddressHeader) {
    return request.headers.get(options.clientAddressHeader)?.trim() || undefined;
  }
  return forwardedClient(request.headers.get("x-forwarded-for"), options.trustedProxyHops ?? 1);
}

/** Replaces whatever the client sent in the internal header by the address the server determined. */
export function stampClientAddress(
  request: Request,
  socketAddress: string | undefined,
  options: ClientAddressOptions,
): void {
  const address = (options.trustProxy ? proxiedAddress(request, options) : undefined) || socketAddress;
  request.headers.delete(CLIENT_IP_HEADER);
  if (address) request.headers.set(CLIENT_IP_HEADER, address);
}

/** The stamped client address, or undefined (an in-process request that was never served). */
export function clientAddressOf(request: Request): string | undefined {
  return request.headers.get(CLIENT_IP_HEADER) || undefined;
}
