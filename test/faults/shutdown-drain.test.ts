/**
 * SIGTERM with clients that never finish their request (src/server.ts stopGracefully, src/index.ts): one stops
 * half-way through its headers, one half-way through its body. The process still exits, with code 0, once the
 * grace period (SHUTDOWN_GRACE_MS) is over — before, Bun kept such connections until its own idle timeout,
 * ~11.5 s — and the half-sent body is never answered with a route's error such as `404 No such route`: its
 * connection is closed (or answered with a clean error).
 */
import { afterAll, describe, expect, it } from "bun:test";
import { connect, type Socket } from "node:net";
import { exitWithin, type ServerData, serverData } from "./shutdown-process.ts";

const GRACE_MS = 500;
// Far below Bun's idle timeout (10 s), which used to end such a shutdown, and far above the grace period plus
// closing the database: the exit is bounded by the grace, not by the client.
const EXIT_WITHIN_MS = 7000;

let data: ServerData | undefined;
afterAll(async () => data?.dispose());

interface HalfClient {
  readonly socket: Socket;
  /** Everything the server sent on this connection. */
  received(): string;
  readonly closed: Promise<void>;
}

async function halfClient(port: number, partialRequest: string): Promise<HalfClient> {
  const socket = connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  let received = "";
  socket.on("data", (chunk) => {
    received += chunk.toString("latin1");
  });
  socket.on("error", () => {});
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.write(partialRequest);
  return { socket, received: () => received, closed };
}

describe("SIGTERM with unfinished requests", () => {
  it("exits with 0 after the grace period although clients are stuck in their headers and body", async () => {
    data = serverData();
    const server = await data.start({ SHUTDOWN_GRACE_MS: String(GRACE_MS) });
    const origin = server.baseUrl;
    const inHeaders = await halfClient(
      server.port,
      "POST /api/auth/sign-in/email HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appli",
    );
    const inBody = await halfClient(
      server.port,
      `POST /v1/users HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: ${origin}\r\nContent-Type: application/json\r\n` +
        `Content-Length: 200\r\n\r\n{"email":"half@shutdown.test",`,
    );
    const inChunkedBody = await halfClient(
      server.port,
      `POST /api/auth/sign-up/email HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: ${origin}\r\n` +
        `Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n9\r\n{"email":\r\n`,
    );
    // The server has the requests (an ordinary request on another connection is answered after them).
    expect((await fetch(`${server.baseUrl}/api/auth/ok`)).status).toBe(200);

    server.proc.kill("SIGTERM");

    expect(await exitWithin(server.proc, EXIT_WITHIN_MS)).toBe(0);
    for (const client of [inHeaders, inBody, inChunkedBody]) {
      await client.closed;
      // Closed without an answer, or answered with a clean error: never a route's 404.
      expect(client.received()).not.toMatch(/^HTTP\/1\.1 404/);
      expect(client.received()).not.toContain("No such route");
    }
  }, 20_000);

  it("still answers a request that completes within the grace period", async () => {
    data ??= serverData();
    const server = await data.start({ SHUTDOWN_GRACE_MS: "5000" });
    const [head, rest] = ['{"email":"nobody@shutdown.test",', '"password":"wrong-password-1"}'];
    const client = await halfClient(
      server.port,
      `POST /api/auth/sign-in/email HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: ${server.baseUrl}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${head.length + rest.length}\r\n` +
        `Connection: close\r\n\r\n${head}`,
    );
    expect((await fetch(`${server.baseUrl}/api/auth/ok`)).status).toBe(200);
    server.proc.kill("SIGTERM");
    // The rest of the body, after the signal: the request is answered as on any other day.
    client.socket.write(rest);
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 401/);
    expect(await exitWithin(server.proc, EXIT_WITHIN_MS)).toBe(0);
  }, 20_000);
});
