import "server-only";
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import { isIPv4, isIPv6 } from "node:net";
import type { Socket } from "node:net";

/**
 * Which client a request comes from, for rate limits. `X-Forwarded-For` is written by whoever
 * sends the request: only the entries our own proxies appended can be trusted, and those are
 * the rightmost ones. So the address is read from the right, skipping TRUSTED_PROXY_HOPS
 * entries, with the socket's own peer as the last entry: with no proxy, the peer itself.
 *
 * Next.js hands route handlers no socket, so the peer is captured as each request arrives
 * (Node's `http.server.request.start` diagnostics channel, which runs before any handler) into
 * a header of our own, overwriting whatever a client sent under that name.
 */
export const PEER_HEADER = "x-trialshare-peer-address";

const CAPTURING = Symbol.for("trialshare.capturingPeerAddresses");
const registry = globalThis as { [CAPTURING]?: boolean };

/** Once per process, before it serves requests (src/instrumentation.ts, tests' own servers). */
export function capturePeerAddresses(): void {
  if (registry[CAPTURING]) return;
  registry[CAPTURING] = true;
  subscribe("http.server.request.start", (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    request.headers[PEER_HEADER] = socket.remoteAddress ?? "";
  });
}

type HeaderSource = Headers | Record<string, unknown> | undefined;

function readHeader(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers?.[name];
  return typeof value === "string" ? value : undefined;
}

/**
 * One bucket per client: an IPv4 address, or an IPv6 /64 (what one subscriber or one host is
 * usually given, so rotating addresses inside it gains nothing).
 */
export function addressBucket(address: string): string {
  const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
  if (isIPv4(plain)) return plain;
  if (isIPv6(plain)) {
    const [head = "", tail = ""] = plain.toLowerCase().split("::");
    const left = head ? head.split(":") : [];
    const right = tail ? tail.split(":") : [];
    const groups = plain.includes("::")
      ? [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right]
      : left;
    return `${groups
      .slice(0, 4)
      .map((group) => group.replace(/^0+(?=.)/, ""))
      .join(":")}::/64`;
  }
  return plain.slice(0, 64) || "unknown";
}

/** The client's address bucket; "unknown" when this process does not capture peers. */
export function clientAddress(headers: HeaderSource, trustedProxyHops: number): string {
  const peer = registry[CAPTURING] ? readHeader(headers, PEER_HEADER) : undefined;
  if (!peer) return "unknown";
  const forwarded = (readHeader(headers, "x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const hops = [...forwarded, peer];
  return addressBucket(hops[Math.max(0, hops.length - 1 - trustedProxyHops)]!);
}
