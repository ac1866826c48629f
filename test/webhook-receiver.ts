/**
 * Webhook receivers for the tests, on loopback only: every request to
 * /hook/<name> is recorded (headers, raw body) and answered as the query
 * string says, and GET /received/<name> hands the record to the tests.
 *   ?fail=N        the first N requests of each webhook-id answer 500
 *   ?status=NNN    always answer NNN
 *   ?delayMs=N     wait N ms before answering
 *   ?hugeBody=1    answer 200 and stream an endless body until the client goes away
 *   ?redirect=URL  answer 302 to URL
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  answered: number;
  at: number;
}

export async function startWebhookReceiver(): Promise<{ url: string; stop: () => Promise<void> }> {
  const received = new Map<string, ReceivedRequest[]>();
  const attemptsById = new Map<string, number>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const [, kind, name = ""] = url.pathname.split("/");
    if (req.method === "GET" && kind === "received") {
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(received.get(name) ?? []));
      return;
    }
    if (kind !== "hook") {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const id = String(req.headers["webhook-id"] ?? "");
      const seen = (attemptsById.get(`${name}/${id}`) ?? 0) + 1;
      attemptsById.set(`${name}/${id}`, seen);
      const params = url.searchParams;
      const status = params.has("status") ? Number(params.get("status")) : seen <= Number(params.get("fail") ?? 0) ? 500 : 200;
      const headers = Object.fromEntries(Object.entries(req.headers).map(([key, value]) => [key, String(value)]));
      const record = {
        method: req.method ?? "",
        path: url.pathname + url.search,
        headers,
        body: Buffer.concat(chunks).toString("utf8"),
        answered: status,
        at: Date.now(),
      };
      received.set(name, [...(received.get(name) ?? []), record]);
      setTimeout(() => answer(res, params, status), Number(params.get("delayMs") ?? 0));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(res: ServerResponse, params: URLSearchParams, status: number) {
  if (res.destroyed) return;
  if (params.has("redirect")) {
    res.writeHead(302, { Location: params.get("redirect") ?? "/" }).end();
    return;
  }
  if (params.get("hugeBody") === "1") {
    res.writeHead(status, { "Content-Type": "application/octet-stream" });
    const chunk = Buffer.alloc(64 * 1024, 120);
    const timer = setInterval(() => {
      if (res.destroyed) clearInterval(timer);
      else res.write(chunk);
    }, 5);
    res.on("close", () => clearInterval(timer));
    return;
  }
  res.writeHead(status, { "Content-Type": "text/plain" }).end(status < 300 ? "ok" : "no");
}
