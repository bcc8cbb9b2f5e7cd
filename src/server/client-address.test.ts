import http, { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressBucket, capturePeerAddresses, clientAddress } from "./client-address";

/**
 * Real sockets: clients on loopback addresses of their own (127.0.0.0/8 is all loopback),
 * an app server that answers with the client address it would rate-limit, and a proxy in
 * front that appends the address it saw, as nginx's $proxy_add_x_forwarded_for does.
 */
let app: Server;
let proxy: Server;
let appPort: number;
let proxyPort: number;
let trustedHops = 0;

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );
}

function get(port: number, from: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: "127.0.0.1", port, localAddress: from, headers },
      (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => (body += chunk.toString()));
        response.on("end", () => resolve(body));
      },
    );
    request.on("error", reject);
    request.end();
  });
}

beforeAll(async () => {
  capturePeerAddresses();
  app = createServer((request, response) => {
    response.end(clientAddress(request.headers, trustedHops));
  });
  appPort = await listen(app);
  proxy = createServer((request, response) => {
    const forwarded = request.headers["x-forwarded-for"];
    const upstream = http.request(
      {
        host: "127.0.0.1",
        port: appPort,
        path: request.url,
        headers: {
          ...request.headers,
          "x-forwarded-for": [forwarded, request.socket.remoteAddress].filter(Boolean).join(", "),
        },
      },
      (answer) => answer.pipe(response),
    );
    request.pipe(upstream);
  });
  proxyPort = await listen(proxy);
});

afterAll(async () => {
  await new Promise((resolve) => proxy.close(resolve));
  await new Promise((resolve) => app.close(resolve));
});

describe("client address", () => {
  it("without a proxy, takes the socket's address and ignores what the client writes", async () => {
    trustedHops = 0;
    expect(await get(appPort, "127.0.0.2")).toBe("127.0.0.2");
    const spoofed = {
      "x-forwarded-for": "203.0.113.9",
      "x-real-ip": "203.0.113.10",
      "x-trialshare-peer-address": "203.0.113.11",
    };
    expect(await get(appPort, "127.0.0.2", spoofed)).toBe("127.0.0.2");
    expect(await get(appPort, "127.0.0.3", spoofed)).toBe("127.0.0.3");
  });

  it("behind a configured proxy, takes the address the proxy saw, not the client's claims", async () => {
    trustedHops = 1;
    expect(await get(proxyPort, "127.0.0.4")).toBe("127.0.0.4");
    expect(await get(proxyPort, "127.0.0.4", { "x-forwarded-for": "203.0.113.9" })).toBe(
      "127.0.0.4",
    );
    expect(
      await get(proxyPort, "127.0.0.5", { "x-forwarded-for": "203.0.113.9, 198.51.100.7" }),
    ).toBe("127.0.0.5");
    // Without the proxy's hop configured, everyone behind it would share the proxy's bucket.
    trustedHops = 0;
    expect(await get(proxyPort, "127.0.0.4")).toBe("127.0.0.1");
  });

  it("puts an IPv6 client's whole /64 in one bucket, and IPv4-mapped addresses with IPv4", () => {
    expect(addressBucket("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:db8:1:2:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressBucket("::1")).toBe("0:0:0:0::/64");
    expect(addressBucket("::ffff:192.0.2.1")).toBe("192.0.2.1");
  });

  it("answers unknown where no peer address is captured (a request not from a socket)", () => {
    expect(clientAddress(new Headers({ "x-forwarded-for": "203.0.113.9" }), 0)).not.toBe(
      "203.0.113.9",
    );
  });
});
