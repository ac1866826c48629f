/**
 * Load generation for `npm run bench`: wrk when available (installed on
 * demand on Debian), autocannon otherwise, and a small closed loop in Node
 * for the scenarios that must do something between requests.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

// autocannon ships no types; this is the part of its API used here.
interface AutocannonResult {
  requests: { total: number };
  throughput: { total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type AutocannonInstance = PromiseLike<AutocannonResult> & { on(event: "response", listener: (...args: never[]) => void): void };
const require = createRequire(import.meta.url);
const autocannon = require("autocannon") as (options: Record<string, unknown>) => AutocannonInstance;
const AUTOCANNON_VERSION = (require("autocannon/package.json") as { version: string }).version;

/** Sent with every request of every scenario, so no hop compresses anything. */
export const ACCEPT_ENCODING = "identity";

export interface LoadSpec {
  /** Request paths, cycled round-robin from a random start per connection group. */
  paths: string[];
  headers?: Record<string, string>;
  connections: number;
  durationSeconds: number;
  /** Count X-Cache values (costs the load generator a copy of every body). */
  countCache?: boolean;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  bytes: number;
  /** Non-2xx responses. */
  badStatus: number;
  /** Connect, read, write errors and timeouts. */
  socketErrors: number;
  p50: number;
  p95: number;
  p99: number;
  /** X-Cache counts when asked for. */
  cache?: { hit: number; miss: number; other: number };
}

export interface LoadGenerator {
  name: string;
  run(baseUrl: string, spec: LoadSpec): Promise<LoadResult>;
}

/** Children to kill if the bench is interrupted. */
export const liveChildren = new Set<ChildProcess>();

export function findWrk(allowInstall: boolean, say: (line: string) => void): string | undefined {
  const version = () => {
    try {
      // wrk -v prints its version and exits 1.
      return execFileSync("wrk", ["-v"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      const out = `${(error as { stdout?: string }).stdout ?? ""}`;
      return out.startsWith("wrk") ? out : undefined;
    }
  };
  let found = version();
  if (!found && allowInstall && process.getuid?.() === 0) {
    say("installing wrk (apt-get install -y wrk)…");
    try {
      execFileSync("apt-get", ["install", "-y", "-qq", "wrk"], {
        stdio: "ignore",
        timeout: 180_000,
        env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      });
      found = version();
    } catch {
      found = undefined;
    }
  }
  return found?.split("\n")[0]?.split(" ").slice(0, 2).join(" ");
}

const luaString = (value: string) => `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

export function wrkGenerator(workDir: string): LoadGenerator {
  let scripts = 0;
  return {
    name: "wrk",
    async run(baseUrl, spec) {
      const headers = { "Accept-Encoding": ACCEPT_ENCODING, ...spec.headers };
      const headerLua = Object.entries(headers)
        .map(([key, value]) => `[${luaString(key)}] = ${luaString(value)}`)
        .join(", ");
      const script = join(workDir, `load-${++scripts}.lua`);
      writeFileSync(
        script,
        `-- written by bench/load.ts
local paths = { ${spec.paths.map(luaString).join(", ")} }
local headers = { ${headerLua} }
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  hit, miss, other = 0, 0, 0
  if #paths == 1 then
    wrk.path = paths[1]
    for k, v in pairs(headers) do wrk.headers[k] = v end
  else
    reqs = {}
    for k, p in ipairs(paths) do reqs[k] = wrk.format("GET", p, headers) end
    i = math.random(#reqs)
    request = function() i = i % #reqs + 1; return reqs[i] end
  end
end
${
  spec.countCache
    ? `function response(status, hdrs, body)
  local x = hdrs["X-Cache"] or hdrs["x-cache"]
  if x == "HIT" then hit = hit + 1 elseif x == "MISS" then miss = miss + 1 else other = other + 1 end
end`
    : ""
}
function done(summary, latency, requests)
  local h, m, o = 0, 0, 0
  for _, t in ipairs(threads) do h = h + t:get("hit"); m = m + t:get("miss"); o = o + t:get("other") end
  local e = summary.errors
  io.write(string.format('BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50":%d,"p95":%d,"p99":%d,"hit":%d,"miss":%d,"other":%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), h, m, o))
end
`,
      );
      const args = ["-t1", `-c${spec.connections}`, `-d${spec.durationSeconds}s`, "--timeout", "10s", "-s", script, baseUrl];
      const output = await new Promise<string>((resolve, reject) => {
        const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
        liveChildren.add(child);
        let out = "";
        child.stdout.on("data", (chunk) => {
          out += chunk;
        });
        child.stderr.on("data", (chunk) => {
          out += chunk;
        });
        child.on("error", reject);
        child.on("exit", (code) => {
          liveChildren.delete(child);
          if (code === 0) resolve(out);
          else reject(new Error(`wrk exited with ${code}: ${out.trim().slice(-500)}`));
        });
      });
      const line = output.split("\n").find((l) => l.startsWith("BENCH_JSON "));
      if (!line) throw new Error(`wrk printed no result: ${output.trim().slice(-500)}`);
      const r = JSON.parse(line.slice("BENCH_JSON ".length));
      // wrk counts 4xx/5xx in errors.status; anything else is a 2xx or 3xx, and we never send conditional requests.
      return {
        requests: r.requests,
        seconds: r.duration_us / 1e6,
        bytes: r.bytes,
        badStatus: r.status,
        socketErrors: r.connect + r.read + r.write + r.timeout,
        p50: r.p50 / 1000,
        p95: r.p95 / 1000,
        p99: r.p99 / 1000,
        ...(spec.countCache && { cache: { hit: r.hit, miss: r.miss, other: r.other } }),
      };
    },
  };
}

export const autocannonGenerator: LoadGenerator = {
  name: `autocannon ${AUTOCANNON_VERSION}`,
  async run(baseUrl, spec) {
    const cache = { hit: 0, miss: 0, other: 0 };
    const latencies: number[] = [];
    const headers = { "accept-encoding": ACCEPT_ENCODING, ...spec.headers };
    const onResponse = spec.countCache
      ? (_status: number, _body: string, _context: unknown, responseHeaders: Record<string, string>) => {
          const value = responseHeaders["x-cache"] ?? responseHeaders["X-Cache"];
          if (value === "HIT") cache.hit++;
          else if (value === "MISS") cache.miss++;
          else cache.other++;
        }
      : undefined;
    const started = performance.now();
    const instance = autocannon({
      url: baseUrl,
      connections: spec.connections,
      duration: spec.durationSeconds,
      timeout: 10,
      requests: spec.paths.map((path) => ({ method: "GET", path, headers, ...(onResponse && { onResponse }) })),
    });
    instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      latencies.push(responseTime);
    });
    const result = await instance;
    const seconds = (performance.now() - started) / 1000;
    const sorted = latencies.sort((a, b) => a - b);
    return {
      requests: result.requests.total,
      seconds,
      bytes: result.throughput.total,
      badStatus: result.non2xx,
      socketErrors: result.errors + result.timeouts,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      ...(spec.countCache && { cache }),
    };
  },
};

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** A request from Node, timed from send to the last byte of the body. */
export async function timedRequest(url: string, init: RequestInit = {}) {
  const started = performance.now();
  const response = await fetch(url, {
    ...init,
    headers: { "Accept-Encoding": ACCEPT_ENCODING, ...(init.headers as Record<string, string>) },
  });
  const body = new Uint8Array(await response.arrayBuffer());
  return { response, body, ms: performance.now() - started };
}
