/**
 * The client address, a pipeline piece: the server stamps it on each request once (the socket's address, or,
 * behind a trusted proxy, the first X-Forwarded-For hop) in one internal header (src/platform/client-ip.ts), and
 * everything that keys on it — the rate limits here, better-auth's limiter — reads that header. A copy sent by a
 * client is discarded, so it cannot be spoofed.
 */
import { CLIENT_IP_HEADER } from "../../platform/client-ip.ts";

/** Replaces whatever the client sent in the internal header by the address the server determined. */
export function stampClientAddress(
  request: Request,
  socketAddress: string | undefined,
  options: { readonly trustProxy: boolean },
): void {
  const forwarded = options.trustProxy
    ? request.headers.get("x-forwarded-for")?.split(",")[0]?.trim()
    : undefined;
  const address = forwarded || socketAddress;
  request.headers.delete(CLIENT_IP_HEADER);
  if (address) request.headers.set(CLIENT_IP_HEADER, address);
}

/** The stamped client address, or undefined (an in-process request that was never served). */
export function clientAddressOf(request: Request): string | undefined {
  return request.headers.get(CLIENT_IP_HEADER) || undefined;
}
