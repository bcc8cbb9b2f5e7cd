import net from "node:net";

/**
 * A TCP port nobody listens on right now, chosen by the OS. Tests and benchmarks take their
 * ports from here unless told otherwise, so two runs on one machine never collide.
 */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The port named by an environment variable, or a free one. */
export async function portFromEnv(name: string): Promise<number> {
  const value = process.env[name];
  return value ? Number(value) : freePort();
}
