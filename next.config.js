// @ts-check
/** @type {import("next").NextConfig} */
const config = {
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
