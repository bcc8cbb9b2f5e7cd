/** Next.js calls this once per server process before it serves requests. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { exitOnBadConfig } = await import("./server/refuse-bad-config");
  exitOnBadConfig();
  // Before any request: rate limits need each request's socket address (client-address.ts).
  const { capturePeerAddresses } = await import("./server/client-address");
  capturePeerAddresses();
  const { bootServer } = await import("./server/boot");
  await bootServer();
}
