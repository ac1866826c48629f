/**
 * The soak's webhook receivers on 127.0.0.1, each a server of its own so one
 * can go down (stop listening: connections refused) while the others answer.
 * Every request's signature is checked with `standardwebhooks`; an event is
 * processed once per `webhook-id` (the dedup Standard Webhooks asks of
 * receivers). A flaky receiver fails `failShare` of its requests: half answer
 * 500, half are processed and then answered after the sender's 10 s timeout
 * (so the sender retries something already processed: a duplicate).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Webhook } from "standardwebhooks";

/** Past the consumer's 10 s attempt timeout (src/webhooks/backoff.ts). */
const LATE_ANSWER_MS = 11_000;

export interface Receipt {
  webhookId: string;
  at: number;
  type: string;
}

export interface Receiver {
  name: string;
  url: string;
  /** Processed events, once per webhook-id (every copy when dedup is off). */
  processed: Receipt[];
  requests: number;
  duplicates: number;
  badSignatures: number;
  setSecret(secret: string): void;
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

export async function startReceiver(
  name: string,
  options: { failShare: number; dedup: boolean; random?: () => number },
): Promise<Receiver> {
  const random = options.random ?? Math.random;
  let verifier: Webhook | undefined;
  const seen = new Set<string>();
  const sockets = new Set<Socket>();
  const receiver: Receiver = {
    name,
    url: "",
    processed: [],
    requests: 0,
    duplicates: 0,
    badSignatures: 0,
    setSecret: (secret) => {
      verifier = new Webhook(secret);
    },
    down: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
    },
    up: () => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve)),
    stop: () => receiver.down().catch(() => {}),
  };
  const process = (id: string, body: string) => {
    if (options.dedup && seen.has(id)) {
      receiver.duplicates++;
      return;
    }
    seen.add(id);
    receiver.processed.push({ webhookId: id, at: Date.now(), type: String((JSON.parse(body) as { type?: string }).type) });
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      receiver.requests++;
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(Object.entries(req.headers).map(([key, value]) => [key, String(value)]));
      try {
        if (!verifier) throw new Error("no secret yet");
        verifier.verify(body, headers);
      } catch {
        receiver.badSignatures++;
        res.writeHead(400).end("bad signature");
        return;
      }
      const id = headers["webhook-id"] ?? "";
      const roll = random();
      if (roll < options.failShare / 2) {
        res.writeHead(500).end("flaky");
        return;
      }
      process(id, body);
      if (roll < options.failShare) setTimeout(() => res.writeHead(200).end("late"), LATE_ANSWER_MS);
      else res.writeHead(200).end("ok");
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}/hook/${name}`;
  return receiver;
}
