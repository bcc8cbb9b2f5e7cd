import net from "node:net";

/**
 * A TCP proxy in front of the local node: `stop()` makes the node unreachable for whatever
 * connects through it (connections are cut and refused, as when the node process dies),
 * `start()` brings it back on the same port. The node itself keeps its state meanwhile.
 */
export async function startRpcProxy(targetUrl: string) {
  const target = new URL(targetUrl);
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;

  async function start(): Promise<void> {
    server = net.createServer((client) => {
      const upstream = net.connect(Number(target.port), target.hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        socket.on("error", () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server!.listen(port, "127.0.0.1", resolve));
    port = (server.address() as net.AddressInfo).port;
  }

  async function stop(): Promise<void> {
    const closing = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  }

  await start();
  return { url: `http://127.0.0.1:${port}`, start, stop };
}
