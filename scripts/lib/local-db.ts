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

  // The embedded database is one session: serialize its clients (see SessionLock).
  const proxy = await startWebSocketProxy(options.proxyPort ?? 0, embedded ? new SessionLock() : undefined);
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
 * PGlite is one Postgres session. pglite-socket multiplexes connections onto
 * it, but only keeps explicit transactions together: two clients' extended
 * protocol messages (Parse/Bind/Execute/Sync) can still interleave, and one
 * client's unnamed statement replaces the other's ("unnamed prepared statement
 * does not exist" under load). This lock gives one connection the session from
 * its first message until the server is idle again (ReadyForQuery 'I').
 */
class SessionLock {
  private holder: object | undefined;
  private readonly waiters: Array<() => void> = [];

  tryAcquire(owner: object): boolean {
    if (this.holder === undefined || this.holder === owner) {
      this.holder = owner;
      return true;
    }
    return false;
  }

  waitFor(wake: () => void) {
    this.waiters.push(wake);
  }

  release(owner: object) {
    if (this.holder !== owner) return;
    this.holder = undefined;
    // Wake everyone waiting; the first to run takes the lock, the rest queue again.
    for (const wake of this.waiters.splice(0)) wake();
  }
}

/** Follows the server's message stream just enough to see ReadyForQuery and its status byte. */
class ReadyForQueryWatcher {
  private header = Buffer.alloc(5);
  private headerFilled = 0;
  private bodyLeft = 0;
  private type = 0;
  private skipSslAnswer: boolean;

  constructor(expectSslAnswer: boolean) {
    this.skipSslAnswer = expectSslAnswer;
  }

  /** Calls `onReady(status)` for every ReadyForQuery in the chunk. */
  feed(chunk: Buffer, onReady: (status: number) => void) {
    let offset = 0;
    if (this.skipSslAnswer && chunk.length > 0) {
      offset = 1; // the single unframed 'N'/'S' answering an SSLRequest
      this.skipSslAnswer = false;
    }
    while (offset < chunk.length) {
      if (this.bodyLeft > 0) {
        const take = Math.min(this.bodyLeft, chunk.length - offset);
        if (this.type === 0x5a && take > 0 && this.bodyLeft === 1) onReady(chunk[offset] as number);
        this.bodyLeft -= take;
        offset += take;
        continue;
      }
      const take = Math.min(5 - this.headerFilled, chunk.length - offset);
      chunk.copy(this.header, this.headerFilled, offset, offset + take);
      this.headerFilled += take;
      offset += take;
      if (this.headerFilled === 5) {
        this.type = this.header[0] as number;
        this.bodyLeft = this.header.readInt32BE(1) - 4;
        this.headerFilled = 0;
      }
    }
  }
}

const READY_IDLE = 0x49; // 'I': not in a transaction

/**
 * Neon's wire format: the driver opens ws://proxy/v1?address=host:port and
 * then speaks plain Postgres protocol over binary frames. Only loopback
 * targets are forwarded: this is a development tool, not an open relay.
 */
async function startWebSocketProxy(port: number, lock?: SessionLock): Promise<{ port: number; stop: () => Promise<void> }> {
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
      const owner = {};
      const queued: Buffer[] = [];
      let watcher: ReadyForQueryWatcher | undefined;

      const pump = () => {
        if (tcp.connecting || queued.length === 0 || tcp.destroyed) return;
        if (lock && !lock.tryAcquire(owner)) {
          lock.waitFor(pump);
          return;
        }
        for (const chunk of queued.splice(0)) {
          tcp.write(chunk);
          // pglite-socket does not hang up on Terminate ('X') as Postgres does;
          // end here so the client's end() returns.
          if (chunk.length === 5 && chunk[0] === 0x58 && chunk.readInt32BE(1) === 4) tcp.end();
        }
      };
      const releaseLock = () => lock?.release(owner);

      tcp.on("connect", pump);
      ws.on("message", (data: Buffer) => {
        // An SSLRequest (length 8, code 80877103) is answered by one unframed byte.
        watcher ??= new ReadyForQueryWatcher(data.length >= 8 && data.readInt32BE(0) === 8 && data.readInt32BE(4) === 80877103);
        queued.push(data);
        pump();
      });
      tcp.on("data", (chunk: Buffer) => {
        ws.send(chunk);
        if (lock && watcher) {
          watcher.feed(chunk, (status) => {
            if (status === READY_IDLE) releaseLock();
          });
        }
      });
      ws.on("close", () => {
        releaseLock();
        tcp.destroy();
      });
      ws.on("error", () => {
        releaseLock();
        tcp.destroy();
      });
      tcp.on("close", () => {
        releaseLock();
        ws.close();
      });
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
