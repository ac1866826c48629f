/**
 * The database fault: a TCP forwarder between the Worker (through the
 * WebSocket proxy) and the database, PGlite's socket or PostgreSQL alike.
 * While paused it refuses every new connection (accepts and closes at once:
 * the driver sees the server go away); connections already open finish what
 * they were doing. The Worker opens a connection per request, so a pause
 * makes the database unreachable within one request.
 */
import { type AddressInfo, connect, createServer, type Socket } from "node:net";

export interface Forwarder {
  /** host:port to put in the Worker's DATABASE_URL instead of the database's. */
  address: string;
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

export async function startForwarder(target: { host: string; port: number }): Promise<Forwarder> {
  let paused = false;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    if (paused) {
      client.destroy();
      return;
    }
    const upstream = connect(target);
    open.add(client);
    client.on("close", () => open.delete(client));
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
    },
    stop: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The Worker's DATABASE_URL, pointed at the forwarder. */
export function throughForwarder(databaseUrl: string, forwarder: Forwarder): string {
  const url = new URL(databaseUrl);
  url.host = forwarder.address;
  return url.toString();
}
