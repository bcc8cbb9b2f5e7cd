import http from "node:http";

/**
 * A request from a chosen loopback address (127.0.0.0/8 is all loopback on Linux): the app
 * sees it as a client of its own, as it would see two people on two networks.
 */
export function fetchFrom(from: string, url: string, init: RequestInit = {}): Promise<Response> {
  const target = new URL(url);
  // The loopback alias only reaches an IPv4 address.
  if (target.hostname === "localhost") target.hostname = "127.0.0.1";
  const headers = new Headers(init.headers);
  headers.set("host", new URL(url).host);
  const body =
    typeof init.body === "string" || init.body instanceof URLSearchParams
      ? Buffer.from(String(init.body))
      : (init.body as Buffer | undefined);
  if (init.body instanceof URLSearchParams && !headers.has("content-type"))
    headers.set("content-type", "application/x-www-form-urlencoded");
  return new Promise((resolve, reject) => {
    const request = http.request(
      target,
      {
        method: init.method ?? "GET",
        localAddress: from,
        // A connection per request: a server that refuses a body early (413) closes its
        // connection, and a pooled socket reused after that fails the next request.
        agent: false,
        headers: Object.fromEntries(headers),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            for (const item of Array.isArray(value) ? value : [value ?? ""])
              responseHeaders.append(name, item);
          }
          const status = response.statusCode ?? 500;
          const isBodyless = status === 204 || status === 304;
          resolve(
            new Response(isBodyless ? null : Buffer.concat(chunks), {
              status,
              headers: responseHeaders,
            }),
          );
        });
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/**
 * fetch against the app with a cookie jar, redirects left to the caller (as next-auth needs);
 * `from` sends it from that loopback address.
 */
export function cookieJar(appUrl: string, options: { from?: string } = {}) {
  const jar = new Map<string, string>();
  const send = (url: string, init: RequestInit) =>
    options.from ? fetchFrom(options.from, url, init) : fetch(url, { ...init, redirect: "manual" });
  const request = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size > 0)
      headers.set("cookie", [...jar].map(([name, value]) => `${name}=${value}`).join("; "));
    const response = await send(`${appUrl}${path}`, { ...init, headers });
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = setCookie.split(";");
      const index = pair.indexOf("=");
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1);
      if (
        !value ||
        attributes.some((attribute) => /max-age=0|expires=thu, 01 jan 1970/i.test(attribute))
      )
        jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  };
  return Object.assign(request, { cookies: jar });
}

export type CookieJar = ReturnType<typeof cookieJar>;

/** Email and password sign-in through next-auth's real endpoints; the error code, or null. */
export async function signInWithPassword(request: CookieJar, email: string, password: string) {
  const { csrfToken } = (await (await request("/api/auth/csrf")).json()) as { csrfToken: string };
  const response = await request("/api/auth/callback/password", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  const { url } = (await response.json()) as { url: string };
  return new URL(url).searchParams.get("error");
}

/** Who the session cookie in the jar belongs to, per next-auth's session endpoint. */
export async function sessionOf(request: CookieJar) {
  return (await (await request("/api/auth/session")).json()) as {
    user?: { id?: string; role?: string; walletAddress?: string };
  };
}

/** A tRPC call over HTTP (superjson's plain-JSON envelope), as the browser's client sends it. */
export async function trpcMutation(
  request: CookieJar,
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
) {
  const response = await request(`/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ json: input }),
  });
  const body = (await response.json()) as {
    result?: { data?: { json?: unknown } };
    error?: { json?: { message?: string } };
  };
  return { status: response.status, data: body.result?.data?.json, error: body.error?.json };
}

export async function trpcQuery(request: CookieJar, path: string) {
  const response = await request(`/api/trpc/${path}`);
  const body = (await response.json()) as {
    result?: { data?: { json?: unknown } };
    error?: { json?: { message?: string } };
  };
  return { response, data: body.result?.data?.json, error: body.error?.json };
}
