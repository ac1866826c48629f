/**
 * The database fault: a TCP forwarder between the Worker (through the
 * WebSocket proxy) and the database, PGlite's socket or PostgreSQL alike.
 * A pause is an outage: it destroys every connection open through it (both
 * sockets, so queries and transactions in flight break mid-way, as when the
 * database goes away; it waits for one to be open, so there is one to break)
 * and, while it lasts, refuses every new one (accepts and closes at once). The Worker opens a connection per request, so a pause
 * makes the database unreachable within one request.
 */
import { type AddressInfo, connect, createServer, type Socket } from "node:net";

export interface Forwarder {
  /** host:port to put in the Worker's DATABASE_URL instead of the database's. */
  address: string;
  /**
   * Cuts the open connections and refuses new ones; answers how many it cut. It waits (up to
   * `within` ms) for a connection to be open first: connections live one request, so a cut at a
   * random instant often finds none, and the fault would then test only the refusal.
   */
  pause(within?: number): Promise<number>;
  resume(): void;
  stop(): Promise<void>;
}

export async function startForwarder(target: { host: string; port: number }): Promise<Forwarder> {
  let paused = false;
  /** Each open client socket and its upstream. */
  const open = new Map<Socket, Socket>();
  const cutAll = () => {
    const cut = open.size;
    for (const [client, upstream] of open) {
      client.destroy();
      upstream.destroy();
    }
    open.clear();
    return cut;
  };
  const server = createServer((client) => {
    if (paused) {
      client.destroy();
      return;
    }
    const upstream = connect(target);
    open.set(client, upstream);
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
    pause: async (within = 2000) => {
      const until = Date.now() + within;
      while (open.size === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
      paused = true;
      return cutAll();
    },
    resume: () => {
      paused = false;
    },
    stop: () =>
      new Promise((resolve) => {
        cutAll();
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
