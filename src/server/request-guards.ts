import "server-only";
import { getEnv } from "~/env";
import { AppError } from "~/server/errors";

/**
 * Checks every state-changing request passes before it is read. A page on another origin
 * can make the browser send a signed-in user's cookies (SameSite=Lax cookies go with requests
 * from other origins of the same site, and no-cors text/plain POSTs need no preflight); the
 * browser also says where the request comes from, and that cannot be forged by the page.
 */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function assertSameOriginWrite(request: Request): void {
  if (SAFE_METHODS.has(request.method)) return;
  const site = request.headers.get("sec-fetch-site");
  const origin = request.headers.get("origin");
  // Sec-Fetch-Site when the browser sends it; Origin otherwise. A client that sends neither is
  // no browser, and cannot carry someone else's cookies.
  const isSameOrigin = site
    ? site === "same-origin" || site === "none"
    : !origin ||
      origin === new URL(getEnv().APP_URL).origin ||
      origin === new URL(request.url).origin;
  if (!isSameOrigin)
    throw new AppError(
      "FORBIDDEN",
      "This request came from another site, so it was refused; make it from TrialShare's own pages.",
    );
}

/**
 * The body of a request, read up to `maxBytes`: a declared length over the limit is refused
 * before anything is read, and a body that turns out longer is cut off as soon as it passes.
 */
export async function readBodyWithin(request: Request, maxBytes: number): Promise<Buffer> {
  const tooLarge = () =>
    new AppError(
      "TOO_LARGE",
      `The request body is too large (over ${Math.round(maxBytes / 1024)} kB); send less at once.`,
    );
  if (Number(request.headers.get("content-length") ?? "0") > maxBytes) throw tooLarge();
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
