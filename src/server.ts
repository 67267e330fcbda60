/**
 * Serves the app over HTTP with Bun. The client address is taken from the socket (or, behind a trusted proxy,
 * from X-Forwarded-For) and passed on in one internal header, which is what rate limits key on; a copy of that
 * header sent by a client is discarded, so it cannot be spoofed.
 */
import type { App } from "./app.ts";

export const CLIENT_IP_HEADER = "x-gatehouse-client-ip";

export function serve(
  app: App,
  options: { port: number; hostname: string; maxBodyBytes: number; trustProxy: boolean },
) {
  const server = Bun.serve({
    port: options.port,
    hostname: options.hostname,
    maxRequestBodySize: options.maxBodyBytes,
    fetch(request, bunServer) {
      const forwarded = options.trustProxy
        ? request.headers.get("x-forwarded-for")?.split(",")[0]?.trim()
        : undefined;
      const ip = forwarded || bunServer.requestIP(request)?.address;
      request.headers.delete(CLIENT_IP_HEADER);
      if (ip) request.headers.set(CLIENT_IP_HEADER, ip);
      return app.handle(request);
    },
  });
  return server;
}
