// @ts-check

import { CONTENT_SECURITY_POLICY, PLAIN_SECURITY_HEADERS } from "./src/shared/security-headers.js";

/** @type {import("next").NextConfig} */
const config = {
  headers: async () => [
    { source: "/:path*", headers: PLAIN_SECURITY_HEADERS },
    // The tRPC route (/api/trpc/NAME, one segment) sends its policy itself (security-headers.js
    // says why); any other path under it is a page, the not-found one, and gets it from here.
    {
      source: "/:path((?!api/trpc/[^/]+$).*)",
      headers: [{ key: "Content-Security-Policy", value: CONTENT_SECURITY_POLICY }],
    },
  ],
  // PGlite ships WASM and a data-folder lock of its own; bundling it breaks both, and one
  // shared instance per process is only possible when Node loads it from node_modules.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "@node-rs/argon2",
    "pg",
    // PDFKit reads its standard-font metrics from its own folder at run time.
    "pdfkit",
  ],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
