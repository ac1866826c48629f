/**
 * A throwaway `wrangler dev` for the browser tests and the benchmark: a free
 * loopback port (never 8787), an empty KV of its own, settings passed as
 * --var (an empty --env-file makes wrangler skip `npm run dev`'s .dev.vars),
 * no telemetry; ready once /healthz answers, stopped with its process group.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./free-port";

const ROOT = new URL("../..", import.meta.url).pathname;

export interface WranglerDevOptions {
  /** Folder for the log, the env file and the KV state. */
  workDir: string;
  vars: Record<string, string>;
  /** The Worker entry, when not wrangler.toml's `main`. */
  entry?: string;
  /** The Worker's config, when not wrangler.toml (a copy with other settings, beside it so paths resolve alike). */
  config?: string;
  /** Auxiliary Workers' configs (`-c`, after the Worker's): reachable only through service bindings. */
  auxiliaryConfigs?: string[];
  /** Where wrangler runs (a copy of the sources, for the bench); the repository by default. */
  cwd?: string;
  readyWithinMs?: number;
}

export interface WranglerDev {
  baseUrl: string;
  port: number;
  inspectorPort: number;
  child: ChildProcess;
  stop: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startWranglerDev(options: WranglerDevOptions): Promise<WranglerDev> {
  const port = await freePort();
  const inspectorPort = await freePort();
  // A fresh, empty KV: a cache left by another database would be served as this one's.
  const persist = mkdtempSync(join(options.workDir, "wrangler-state-"));
  const envFile = join(options.workDir, "wrangler.env");
  writeFileSync(envFile, "");
  const logFile = join(options.workDir, "wrangler.log");
  const log = openSync(logFile, "a");
  const args = [
    join(ROOT, "node_modules/wrangler/bin/wrangler.js"),
    "dev",
    ...(options.entry ? [options.entry] : []),
    ...(options.config || options.auxiliaryConfigs?.length
      ? ["-c", options.config ?? "wrangler.toml", ...(options.auxiliaryConfigs ?? []).flatMap((config) => ["-c", config])]
      : []),
    ...["--port", String(port), "--ip", "127.0.0.1", "--inspector-port", String(inspectorPort)],
    ...["--persist-to", persist, "--env-file", envFile, "--log-level", "warn"],
    ...Object.entries(options.vars).flatMap(([key, value]) => ["--var", `${key}:${value}`]),
  ];
  const child = spawn(process.execPath, args, {
    cwd: options.cwd ?? ROOT,
    detached: true,
    stdio: ["ignore", log, log],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" },
  });
  closeSync(log);
  let exited = false;
  child.on("exit", () => {
    exited = true;
  });
  const stop = async () => {
    if (exited || child.pid === undefined) return;
    const group = -child.pid;
    try {
      process.kill(group, "SIGTERM");
    } catch {}
    for (let i = 0; i < 50 && !exited; i++) await sleep(100);
    try {
      process.kill(group, "SIGKILL");
    } catch {}
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const tail = () => readFileSync(logFile, "utf8").trim().split("\n").slice(-20).join("\n");
  const within = options.readyWithinMs ?? 120_000;
  const deadline = Date.now() + within;
  try {
    for (;;) {
      if (exited) throw new Error(`wrangler dev exited during startup:\n${tail()}`);
      if (Date.now() > deadline) throw new Error(`wrangler dev did not answer /healthz within ${within / 1000} s:\n${tail()}`);
      try {
        const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(5000) });
        if (response.ok) return { baseUrl, port, inspectorPort, child, stop };
      } catch {}
      await sleep(250);
    }
  } catch (error) {
    await stop();
    throw error;
  }
}
