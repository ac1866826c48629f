/**
 * The local stand-in for Neon: an embedded PGlite behind pglite-socket (so it
 * speaks the Postgres wire protocol) and a WebSocket-to-TCP proxy, so the
 * Worker's production driver (@neondatabase/serverless) runs unchanged.
 * With DATABASE_URL set, only the proxy runs, in front of that Postgres.
 */
import { mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { WebSocketServer } from "ws";

export interface LocalDatabase {
  /** Postgres URL as the Worker sees it (the proxy forwards to its host:port). */
  databaseUrl: string;
  /** host:port of the WebSocket proxy, for neonConfig.wsProxy. */
  wsProxy: string;
  embedded: boolean;
  stop(): Promise<void>;
}

export interface LocalDatabaseOptions {
  /** PGlite data directory; "memory://" for a throwaway database. */
  dataDir?: string;
  /** Port for the WebSocket proxy; 0 picks a free one. */
  proxyPort?: number;
  /** Use this Postgres instead of PGlite. */
  databaseUrl?: string;
}

export async function startLocalDatabase(options: LocalDatabaseOptions = {}): Promise<LocalDatabase> {
  const stops: Array<() => Promise<void>> = [];
  let databaseUrl = options.databaseUrl;
  const embedded = !databaseUrl;

  if (!databaseUrl) {
    const { PGlite } = await import("@electric-sql/pglite");
    const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
    const dataDir = options.dataDir ?? "memory://";
    if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
    const db = await PGlite.create(dataDir);
    // PGlite is single-session; the socket server multiplexes connections and
    // keeps a transaction's statements together.
    const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 64 });
    await server.start();
    const address = server.getServerConn();
    databaseUrl = `postgres://postgres:postgres@${address}/postgres`;
    stops.push(async () => {
      await server.stop();
      await db.close();
    });
  } else {
    parseDatabaseUrl(databaseUrl);
  }

  const proxy = await startWebSocketProxy(options.proxyPort ?? 0);
  stops.unshift(proxy.stop);

  return {
    databaseUrl,
    wsProxy: `127.0.0.1:${proxy.port}`,
    embedded,
    async stop() {
      for (const stop of stops) await stop().catch(() => {});
    },
  };
}

/** Throws one clear line for a DATABASE_URL that cannot be a Postgres URL. */
export function parseDatabaseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error("DATABASE_URL is not a URL (expected postgres://user:password@host:port/database)");
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new Error(`DATABASE_URL must start with postgres:// or postgresql://, not ${url.protocol}//`);
  }
  if (!url.hostname) throw new Error("DATABASE_URL has no host");
  return url;
}

/**
 * Neon's wire format: the driver opens ws://proxy/v1?address=host:port and
 * then speaks plain Postgres protocol over binary frames. Only loopback
 * targets are forwarded: this is a development tool, not an open relay.
 */
async function startWebSocketProxy(port: number): Promise<{ port: number; stop: () => Promise<void> }> {
  const wss = new WebSocketServer({ noServer: true });
  const server = createServer((_req, res) => {
    res.writeHead(426).end("WebSocket only\n");
  });
  server.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://proxy");
    const address = url.searchParams.get("address") ?? "";
    const match = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|::1):(\d+)$/.exec(address);
    if (!match) {
      socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const host = match[1] === "localhost" ? "127.0.0.1" : (match[1] ?? "").replace(/[[\]]/g, "");
      const tcp = connect({ host, port: Number(match[2]) });
      tcp.setNoDelay(true);
      const pending: Buffer[] = [];
      tcp.on("connect", () => {
        for (const chunk of pending.splice(0)) tcp.write(chunk);
      });
      ws.on("message", (data: Buffer) => {
        if (tcp.connecting) pending.push(data);
        else tcp.write(data);
        // pglite-socket does not hang up on Terminate ('X') as Postgres does;
        // close here so the client's end() returns.
        if (data.length === 5 && data[0] === 0x58 && data.readInt32BE(1) === 4) {
          tcp.end();
        }
      });
      tcp.on("data", (chunk) => ws.send(chunk));
      ws.on("close", () => tcp.destroy());
      ws.on("error", () => tcp.destroy());
      tcp.on("close", () => ws.close());
      tcp.on("error", () => ws.terminate());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    port: actualPort,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
