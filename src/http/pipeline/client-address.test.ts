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

  it("behind one trusted proxy, takes the X-Forwarded-For entry it appended (the rightmost)", () => {
    const r = request({ "x-forwarded-for": "198.51.100.9, 203.0.113.7" });
    stampClientAddress(r, "10.0.0.1", { trustProxy: true });
    expect(clientAddressOf(r)).toBe("203.0.113.7");
  });

  it("behind two trusted proxies, takes the second entry from the right", () => {
    const r = request({ "x-forwarded-for": "198.51.100.9, 203.0.113.7, 10.0.0.2" });
    stampClientAddress(r, "10.0.0.1", { trustProxy: true, trustedProxyHops: 2 });
    expect(clientAddressOf(r)).toBe("203.0.113.7");
  });

  it("takes the leftmost entry when the chain is shorter than the trusted hops", () => {
    const r = request({ "x-forwarded-for": "203.0.113.7" });
    stampClientAddress(r, "10.0.0.1", { trustProxy: true, trustedProxyHops: 3 });
    expect(clientAddressOf(r)).toBe("203.0.113.7");
  });

  it("reads a configured client-address header instead of X-Forwarded-For", () => {
    const r = request({ "x-real-ip": "203.0.113.7", "x-forwarded-for": "198.51.100.9" });
    stampClientAddress(r, "10.0.0.1", { trustProxy: true, clientAddressHeader: "x-real-ip" });
    expect(clientAddressOf(r)).toBe("203.0.113.7");
  });

  it("falls back to the socket's address when the trusted proxy sent no address", () => {
    const r = request({});
    stampClientAddress(r, "10.0.0.1", { trustProxy: true });
    expect(clientAddressOf(r)).toBe("10.0.0.1");
  });

  it("leaves the address unknown when nothing says it", () => {
    const r = request({ [CLIENT_IP_HEADER]: "203.0.113.66" });
    stampClientAddress(r, undefined, { trustProxy: false });
    expect(clientAddressOf(r)).toBeUndefined();
  });
});
