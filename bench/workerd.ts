/**
 * What wrangler's workerd runtimes use while the bench runs: CPU seconds from
 * Linux /proc, and the Worker isolate's V8 heap over the DevTools protocol.
 */
import { readdirSync, readFileSync } from "node:fs";
import WebSocket from "ws";

export interface Heap {
  usedBytes: number;
  totalBytes: number;
}

/** The Worker isolate's V8 heap after a full GC (DevTools protocol on wrangler's inspector port); undefined if unreachable. */
export async function workerHeap(inspectorPort: number): Promise<Heap | undefined> {
  try {
    const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`, { signal: AbortSignal.timeout(3000) })).json()) as Array<{
      webSocketDebuggerUrl?: string;
    }>;
    const debuggerUrl = targets.find((target) => target.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
    if (!debuggerUrl) return undefined;
    const socket = new WebSocket(debuggerUrl);
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    let id = 0;
    const send = (method: string) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const mine = ++id;
        const timer = setTimeout(() => reject(new Error(`${method} timed out`)), 10_000);
        const onMessage = (data: WebSocket.RawData) => {
          const message = JSON.parse(String(data)) as { id?: number; result?: Record<string, unknown> };
          if (message.id !== mine) return;
          clearTimeout(timer);
          socket.off("message", onMessage);
          resolve(message.result ?? {});
        };
        socket.on("message", onMessage);
        socket.send(JSON.stringify({ id: mine, method }));
      });
    try {
      await send("HeapProfiler.collectGarbage").catch(() => undefined);
      const usage = await send("Runtime.getHeapUsage");
      return { usedBytes: Number(usage.usedSize), totalBytes: Number(usage.totalSize) };
    } finally {
      socket.close();
    }
  } catch {
    return undefined;
  }
}

export const heapText = (heap: Heap | undefined) =>
  heap ? `${(heap.usedBytes / 2 ** 20).toFixed(1)} MiB used (${(heap.totalBytes / 2 ** 20).toFixed(1)} MiB allocated)` : "unavailable";

/** pid and all its descendants (Linux /proc). */
export function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {}
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid);
  return tree;
}

export type CpuSample = { at: number; byPid: Map<number, { seconds: number; proxy: boolean }> };

/** CPU seconds used so far by each workerd among `pids` (Linux /proc, 100 ticks/s). */
export function workerdCpu(pids: number[], publicPort: number): CpuSample {
  const byPid = new Map<number, { seconds: number; proxy: boolean }>();
  for (const pid of pids) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!cmdline.includes("workerd")) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      byPid.set(pid, {
        seconds: (Number(fields[11]) + Number(fields[12])) / 100,
        proxy: cmdline.includes(`entry=127.0.0.1:${publicPort}`),
      });
    } catch {}
  }
  return { at: performance.now(), byPid };
}

/** % of one core used between two samples, per runtime; processes that came or went are left out. */
export function cpuBetween(before: CpuSample, after: CpuSample): { proxy: number; worker: number } {
  const seconds = (after.at - before.at) / 1000;
  const used = { proxy: 0, worker: 0 };
  for (const [pid, end] of after.byPid) {
    const start = before.byPid.get(pid);
    if (start) used[end.proxy ? "proxy" : "worker"] += end.seconds - start.seconds;
  }
  return { proxy: (used.proxy / seconds) * 100, worker: (used.worker / seconds) * 100 };
}
