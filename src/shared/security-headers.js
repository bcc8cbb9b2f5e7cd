// @ts-check

/**
 * Everything the pages load comes from this origin. Next's bootstrap scripts are inline, hence
 * 'unsafe-inline' for scripts (no third-party origin is allowed, so injected markup cannot load
 * code from elsewhere); React's development build also needs eval. No framing at all.
 */
const isDev = process.env.NODE_ENV !== "production";
const CSP = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${isDev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const SECURITY_HEADERS = [
  { key: "Content-Security-Policy", value: CSP },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  // Production is served over HTTPS (src/env.ts refuses plain HTTP there): browsers are told to
  // keep to it for two years. Browsers ignore the header on plain-HTTP local runs.
  ...(isDev
    ? []
    : [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }]),
];

/**
 * The headers whose value holds no ":". Next compiles a header value holding one as a path
 * template on every request it applies to (its `compileNonPath`), which cost a few percent of a
 * catalogue search's CPU: the tRPC route sends the policy itself (src/server/api/http-handler.ts)
 * and next.config.js leaves it out there.
 */
export const PLAIN_SECURITY_HEADERS = SECURITY_HEADERS.filter(
  (header) => header.key !== "Content-Security-Policy",
);
export const CONTENT_SECURITY_POLICY = CSP;
