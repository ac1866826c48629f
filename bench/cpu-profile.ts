/**
 * Where a route's time goes inside the Worker's isolate: V8's sampling CPU
 * profiler over wrangler's DevTools port while a load runs, each sample
 * attributed to a module of the bundle (esbuild writes `// path` before each
 * module it inlines). Two views: self time by package (hono, zod, jose, src/…),
 * and by the nearest src/ frame on the stack (the middleware or handler that
 * called into a library), which is the per-middleware breakdown. The runtime's
 * own C++ (HTTP parsing, the rate-limit binding's Durable Object, the proxy)
 * is not in an isolate's profile: the bench's CPU columns show that part.
 */
import WebSocket from "ws";

interface CallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  parent?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface CpuBreakdown {
  /** Sampled ms in the isolate over the run (idle excluded). */
  busyMs: number;
  /** ms per package or src/ module, self time. */
  bySelf: Record<string, number>;
  /** ms per nearest src/ module on the stack (libraries charged to the src/ code that called them). */
  bySrc: Record<string, number>;
}

type Send = (method: string, params?: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** The catalog Worker's DevTools target (wrangler also lists the example inference Worker). */
async function connect(inspectorPort: number): Promise<{ send: Send; close: () => void }> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`, { signal: AbortSignal.timeout(3000) })).json()) as Array<{
    webSocketDebuggerUrl?: string;
    title?: string;
  }>;
  const target = targets.find((t) => t.webSocketDebuggerUrl && !/inference/.test(t.title ?? "")) ?? targets[0];
  if (!target?.webSocketDebuggerUrl) throw new Error("no DevTools target on the inspector port");
  const socket = new WebSocket(target.webSocketDebuggerUrl, { maxPayload: 1024 * 2 ** 20 });
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  let id = 0;
  const send: Send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const mine = ++id;
      const timer = setTimeout(() => reject(new Error(`${method} timed out`)), 60_000);
      const onMessage = (data: WebSocket.RawData) => {
        const message = JSON.parse(String(data)) as { id?: number; result?: Record<string, unknown>; error?: { message: string } };
        if (message.id !== mine) return;
        clearTimeout(timer);
        socket.off("message", onMessage);
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolve(message.result ?? {});
      };
      socket.on("message", onMessage);
      socket.send(JSON.stringify({ id: mine, method, params }));
    });
  return { send, close: () => socket.close() };
}

/** Line number → module path, from esbuild's `// path` markers in the bundle. */
function moduleIndex(source: string): (line: number) => string {
  const starts: Array<[number, string]> = [];
  source.split("\n").forEach((text, line) => {
    // `// src/app.ts`, `// ../../../…/node_modules/hono/dist/hono.js` (node_modules is a symlink out of the copy).
    const marker = /^\/\/ (?:\S*\/)?((?:node_modules\/|src\/|bench\/|test\/)\S+)$/.exec(text);
    if (marker?.[1]) starts.push([line, marker[1]]);
  });
  return (line) => {
    let found = "(bundle)";
    for (const [start, path] of starts) {
      if (start > line) break;
      found = path;
    }
    return found;
  };
}

/** A package (node_modules/hono/… → hono) or the src/ or bench/ file itself. */
function groupOf(path: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return pkg?.[1] ?? path;
}

/** Profiles the isolate while `run` runs. */
export async function profileDuring(inspectorPort: number, run: () => Promise<unknown>, intervalUs = 250): Promise<CpuBreakdown> {
  const { send, close } = await connect(inspectorPort);
  try {
    const scripts = new Map<string, string>();
    await send("Debugger.enable");
    await send("Profiler.enable");
    await send("Profiler.setSamplingInterval", { interval: intervalUs });
    await send("Profiler.start");
    await run();
    const { profile } = (await send("Profiler.stop")) as unknown as { profile: Profile };
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const parentOf = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
    const modules = new Map<string, (line: number) => string>();
    const moduleOf = async (frame: CallFrame): Promise<string> => {
      if (!frame.scriptId || frame.scriptId === "0") return frame.functionName || "(native)";
      // Miniflare's binding shims (the rate limiter's client): runtime modules, not the bundle.
      if (frame.url.startsWith("cloudflare-internal:"))
        return `(runtime: ${frame.url.replace(/^cloudflare-internal:|:module$/g, "")} binding)`;
      let index = modules.get(frame.scriptId);
      if (!index) {
        const source =
          scripts.get(frame.scriptId) ?? String((await send("Debugger.getScriptSource", { scriptId: frame.scriptId })).scriptSource);
        scripts.set(frame.scriptId, source);
        index = moduleIndex(source);
        modules.set(frame.scriptId, index);
      }
      return index(frame.lineNumber);
    };
    const bySelf: Record<string, number> = {};
    const bySrc: Record<string, number> = {};
    let busyMs = 0;
    const weights = new Map<number, number>();
    for (let i = 0; i < profile.samples.length; i++) {
      const nodeId = profile.samples[i] as number;
      weights.set(nodeId, (weights.get(nodeId) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
    }
    for (const [nodeId, ms] of weights) {
      const node = byId.get(nodeId);
      if (!node || node.callFrame.functionName === "(idle)") continue;
      busyMs += ms;
      const self = groupOf(await moduleOf(node.callFrame));
      bySelf[self] = (bySelf[self] ?? 0) + ms;
      let charged = self.startsWith("src/") ? self : undefined;
      for (let up = parentOf.get(nodeId); !charged && up !== undefined; up = parentOf.get(up)) {
        const frame = byId.get(up)?.callFrame;
        if (!frame?.scriptId || frame.scriptId === "0") continue;
        const path = await moduleOf(frame);
        if (path.startsWith("src/")) charged = path;
      }
      const key = charged ?? (self.startsWith("(") ? self : `${self} (not under src/: routing, validation, runtime glue)`);
      bySrc[key] = (bySrc[key] ?? 0) + ms;
    }
    await send("Profiler.disable");
    await send("Debugger.disable");
    return { busyMs, bySelf, bySrc };
  } finally {
    close();
  }
}

/** The largest parts first, as `ms per request` rows (and the rest summed). */
export function breakdownRows(parts: Record<string, number>, requests: number, top = 12): Array<{ part: string; msPerRequest: number }> {
  const sorted = Object.entries(parts).toSorted((a, b) => b[1] - a[1]);
  const rows = sorted.slice(0, top).map(([part, ms]) => ({ part, msPerRequest: ms / requests }));
  const rest = sorted.slice(top).reduce((sum, [, ms]) => sum + ms, 0);
  if (rest > 0) rows.push({ part: `${sorted.length - top} others`, msPerRequest: rest / requests });
  return rows;
}
