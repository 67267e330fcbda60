/**
 * oidc-provider is a Koa application for node:http. It runs on an internal node:http server on 127.0.0.1 (a
 * free port, started with the provider) and Gatehouse forwards its paths there, with the Host and
 * X-Forwarded-Proto of BASE_URL, so the URLs it writes (issuer, endpoints, redirects) are Gatehouse's.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type Provider from "oidc-provider";

export interface Bridge {
  forward(request: Request): Promise<Response>;
  close(): Promise<void>;
}

// Hop-by-hop headers (RFC 9110, section 7.6.1) are the connection's, not the message's.
const HOP_BY_HOP = ["connection", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer"];

export async function startBridge(provider: Provider, baseUrl: string): Promise<Bridge> {
  const server: Server = createServer(provider.callback());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  // The internal server never keeps the process alive on its own.
  server.unref();
  const { port } = server.address() as AddressInfo;
  const base = new URL(baseUrl);
  return {
    async forward(request) {
      const url = new URL(request.url);
      const headers = new Headers(request.headers);
      for (const name of HOP_BY_HOP) headers.delete(name);
      headers.set("host", base.host);
      headers.set("x-forwarded-host", base.host);
      headers.set("x-forwarded-proto", base.protocol.replace(":", ""));
      headers.delete("x-forwarded-for");
      const body =
        request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
      const answer = await fetch(`http://127.0.0.1:${port}${url.pathname}${url.search}`, {
        method: request.method,
        headers,
        body,
        redirect: "manual",
        // Bun's fetch option: the provider's answer is passed on as it is, not decompressed.
        decompress: false,
      });
      const out = new Headers(answer.headers);
      for (const name of HOP_BY_HOP) out.delete(name);
      return new Response(answer.body, {
        status: answer.status,
        statusText: answer.statusText,
        headers: out,
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
