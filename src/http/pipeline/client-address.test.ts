import { describe, expect, it } from "bun:test";
import { CLIENT_IP_HEADER } from "../../platform/client-ip.ts";
import { clientAddressOf, stampClientAddress } from "./client-address.ts";

const request = (headers: Record<string, string>) => new Request("http://localhost/v1/users", { headers });

describe("client address", () => {
  it("discards a copy of the internal header sent by the client and stamps the socket's address", () => {
    const r = request({ [CLIENT_IP_HEADER]: "203.0.113.66", "x-forwarded-for": "203.0.113.7" });
    stampClientAddress(r, "192.0.2.10", { trustProxy: false });
    expect(clientAddressOf(r)).toBe("192.0.2.10");
  });

  it("behind a trusted proxy, takes the first X-Forwarded-For hop", () => {
    const r = request({ "x-forwarded-for": "203.0.113.7, 10.0.0.1" });
    stampClientAddress(r, "10.0.0.1", { trustProxy: true });
    expect(clientAddressOf(r)).toBe("203.0.113.7");
  });

  it("leaves the address unknown when nothing says it", () => {
    const r = request({ [CLIENT_IP_HEADER]: "203.0.113.66" });
    stampClientAddress(r, undefined, { trustProxy: false });
    expect(clientAddressOf(r)).toBeUndefined();
  });
});
